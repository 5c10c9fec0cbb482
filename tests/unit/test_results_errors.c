/*
 * test_results_errors.c: what the results writer refuses or reports: trials missing at close,
 * an unwritable path, bad batches, a run without pairs and bad metadata (the fixture of
 * cs_results_test.h).
 */
#include "cs_results_test.h"

static void test_close_missing_trials(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "missing");
    write_trials(fx, w, 0, 3);
    assert_int_equal(cs_results_close(w, true, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_results_missing.h5: 3 of 5 trials written"));
    assert_non_null(strstr(err.msg, "complete = 0"));
    assert_int_equal(complete_flag(fx->path), 0);
    const hid_t f = open_file(fx->path);
    const hsize_t n[1] = {4}, n2[2] = {3, ND};
    uint64_t *o = read_all(f, "/trials/failed_offsets", H5T_NATIVE_UINT64, 8, 1, n);
    assert_int_equal(o[3], 3);
    free(o);
    free(read_f64(f, "/trials/served_tbps", 2, n2));
    H5Fclose(f);
}

static void test_unwritable_path(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    const char *path = "no-such-dir-for-cablesim/out.h5";
    const cs_status rc = cs_results_create(&w, path, &fx->meta, &err);
    assert_int_equal(rc, CS_EIO);
    assert_null(w);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "could not create the results file"));
}

/* A wrong trial order, a full batch, mismatched sizes and too many trials are refused. */
static void test_batch_errors(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_trial_batch b;
    assert_int_equal(cs_trial_batch_init(&b, 0, ND, NE, NN, NP, true, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "capacity >= 1"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_init(&b, 1, ND, NE, NN, NP, true, &err), CS_OK);
    cs_routing_result r, wrong;
    rr_init(&r, ND, NE);
    rr_init(&wrong, ND + 1, NE);
    const unsigned char pc[NP] = {1};
    assert_int_equal(cs_trial_batch_add(&b, NULL, &wrong, pc, &err), CS_EINVAL);
    assert_non_null(
        strstr(err.msg, "expected a routing result for 2 demands and 2 edges, found 3"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, NULL, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "expected 1 pair cut flags, found none"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, pc, &err), CS_OK);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, pc, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "trial 1 does not fit: the batch is full (1 trials)"));
    cs_error_clear(&err);

    cs_results_t *w = create(fx, "errors");
    cs_trial_batch_reset(&b, 1);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, pc, &err), CS_OK);
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_results_errors.h5: expected a batch starting at trial 0, "
                                    "found trial 1"));
    cs_error_clear(&err);

    cs_trial_batch no_flow, no_pairs;
    assert_int_equal(cs_trial_batch_init(&no_flow, 1, ND, NE, NN, NP, false, &err), CS_OK);
    assert_int_equal(cs_trial_batch_add(&no_flow, NULL, &r, pc, &err), CS_OK);
    assert_int_equal(cs_results_write_batch(w, &no_flow, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "expected /trials/edge_flow_tbps in the batch, found none"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_init(&no_pairs, 1, ND, NE, NN, 0, true, &err), CS_OK);
    assert_int_equal(cs_results_write_batch(w, &no_pairs, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "expected a batch of 2 demands, 2 edges, 3 nodes and 1 pairs, "
                                    "found 2, 2, 3 and 0"));
    cs_error_clear(&err);
    /* A batch whose failure counts do not match its lists. */
    b.first_trial = 0;
    b.n_failed_edges[0] = 2;
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(
        strstr(err.msg, "/trials/failed_edges: batch counts add up to 2, but 0 are listed"));
    cs_error_clear(&err);
    b.n_failed_edges[0] = 0;
    /* A trial that shares the outcome of a trial that is not an earlier one of the batch. */
    b.same_as[0] = 0;
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "trial 0 of the batch: expected the outcome of an earlier "
                                    "trial with its own rows, found trial 0"));
    cs_error_clear(&err);
    b.same_as[0] = UINT32_MAX;
    cs_trial_batch_reset(&no_flow, 0);
    assert_int_equal(cs_trial_batch_add_same(&no_flow, NULL, &r, 0, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "trial 0: expected the outcome of an earlier trial of the "
                                    "batch, found trial 0 of 0"));
    cs_error_clear(&err);

    for (uint64_t t = 0; t < NT; t++) {
        b.first_trial = t;
        assert_int_equal(cs_results_write_batch(w, &b, &err), CS_OK);
    }
    b.first_trial = NT;
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "1 trials from trial 5 go beyond the file's last trial 4"));
    cs_trial_batch_destroy(&no_pairs);
    cs_trial_batch_destroy(&no_flow);
    cs_trial_batch_destroy(&b);
    rr_destroy(&r);
    rr_destroy(&wrong);
    /* The refused batches left nothing behind: exactly the 5 trials, so the file completes. */
    cs_error_clear(&err);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    assert_int_equal(complete_flag(fx->path), 1);
    const hid_t f = open_file(fx->path);
    const hsize_t n[1] = {NT};
    free(read_f64(f, "/trials/unserved_tbps", 1, n));
    H5Fclose(f);
}

/* No tracked pairs: /topology/pairs is empty and pair_cut is [trials x 0]. */
static void test_no_pairs(void **state)
{
    fixture *fx = *state;
    fx->meta.pairs = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "nopairs");
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    const hid_t f = open_file(fx->path);
    const hsize_t n0[1] = {0}, tp[2] = {NT, 0};
    free(read_all(f, "/topology/pairs", H5T_NATIVE_UINT8, 1, 1, n0));
    free(read_all(f, "/trials/pair_cut", H5T_NATIVE_UINT8, 1, 2, tp));
    assert_root(f, 1);
    H5Fclose(f);
}

/* Invalid meta is refused before any file is made. */
static void test_bad_meta(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    fx->base.n_edges = NE + 1;
    assert_int_equal(cs_results_create(&w, "test_results_bad.h5", &fx->meta, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_results_bad.h5: baseline routing: expected 2 demands and "
                                    "2 edges, found 2 and 3"));
    fx->base.n_edges = NE;
    cs_error_clear(&err);
    fx->pair_origin[0] = 7;
    assert_int_equal(cs_results_create(&w, "test_results_bad.h5", &fx->meta, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "pair 0: expected a node index < 3"));
    cs_error_clear(&err);
    fx->pair_origin[0] = 0;
    fx->scen.output.compression = 10;
    assert_int_equal(cs_results_create(&w, "test_results_bad.h5", &fx->meta, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "output compression: expected 0..9, found 10"));
    assert_null(w);
    FILE *fp = fopen("test_results_bad.h5", "rb");
    assert_null(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_close_missing_trials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_meta, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
