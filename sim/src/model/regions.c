/*
 * regions.c: the constant table of named regions (see regions.h).
 *
 * Vertices are hand-drawn to a tenth of a degree or so, following the public
 * geography named in each entry's source (coastlines, the IHO limits of seas,
 * trench axes on bathymetric charts). They are meant to select cables and to
 * sample hazard locations, not to be charts: docs/model.md prints them all.
 * Rings run either way round; the even-odd test does not care.
 */
#include "cablesim/regions.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define NV(a) (sizeof(a) / sizeof((a)[0]))
/* A box from (west, south) to (east, north), anticlockwise from its south-west corner. */
/* clang-format off */
#define BOX(w, s, e, n) {{w, s}, {e, s}, {e, n}, {w, n}}
/* clang-format on */
/* A ring's vertex count and vertices, for the table. */
#define RING(a) NV(a), a

/* Between southern Taiwan and northern Luzon: the Bashi, Balintang and
 * Babuyan channels, from the Gaoping shelf edge in the north-west (with a
 * notch for the Hengchun Peninsula) to the Philippine Sea side. */
static const cs_lonlat luzon_strait[] = {
    {119.80, 22.40}, {120.45, 22.40}, {120.75, 21.85}, {120.95, 21.85},
    {121.00, 22.40}, {121.90, 22.40}, {122.40, 21.50}, {122.40, 18.80},
    {122.00, 18.40}, {120.60, 18.45}, {119.80, 18.60},
};

/* Between Fujian and Taiwan's west coast, from the Kaohsiung-Dongshan line in
 * the south to the Fugui Cape-Matsu line in the north. */
static const cs_lonlat taiwan_strait[] = {
    {117.30, 23.40}, {120.10, 22.45}, {120.10, 23.00}, {120.60, 24.20},
    {121.00, 25.00}, {121.55, 25.35}, {120.10, 26.30}, {119.70, 25.60},
    {118.90, 25.00}, {118.20, 24.45}, {117.50, 23.80},
};

/* The Korea Strait with both its channels: Busan-Tsushima (western) and
 * Tsushima-Iki-northern Kyushu (eastern, the Tsushima Strait proper). */
static const cs_lonlat tsushima_strait[] = {
    {128.40, 34.70}, {129.20, 35.25}, {131.00, 34.40},
    {130.50, 33.85}, {129.60, 33.30}, {128.60, 34.00},
};

/* The IHO (1953) East China Sea: Fugui Cape to Turnabout Island in the south,
 * the China coast to the Yangtze mouth, across to Jeju, Goto and Nagasaki, and
 * down Kyushu and the Ryukyu arc (Amami, Okinawa, Miyako, Ishigaki, Yonaguni). */
static const cs_lonlat east_china_sea[] = {
    {121.55, 25.30}, {119.97, 25.43}, {120.45, 26.70}, {121.05, 27.90}, {121.95, 29.20},
    {122.25, 30.05}, {121.90, 31.10}, {121.90, 31.70}, {126.55, 33.20}, {128.60, 32.70},
    {129.75, 32.60}, {130.20, 31.30}, {130.65, 31.00}, {130.50, 30.30}, {129.50, 28.30},
    {128.00, 26.70}, {127.65, 26.10}, {125.30, 24.75}, {124.15, 24.35}, {123.00, 24.45},
    {121.90, 25.00},
};

/* The southern tip of the Boso Peninsula and its shelf: the landing cluster of
 * Chikura, Maruyama, Minamiboso, Wada and Emi (Tateyama to Kamogawa). */
static const cs_lonlat boso[] = {
    {139.70, 34.60},
    {140.40, 34.60},
    {140.55, 35.20},
    {139.70, 35.20},
};

/* The Shima Peninsula (Mie) and the sea off it: the Shima landing, Toba, Ago Bay. */
static const cs_lonlat shima[] = BOX(136.60, 34.10, 137.05, 34.50);

/* The Nankai megathrust zone: from the coast (Suruga Bay, Omaezaki, Irago,
 * Shima, Shionomisaki, Muroto, Ashizuri, Hyuga) out to the trough axis. */
static const cs_lonlat nankai_trough[] = {
    {138.75, 35.05}, {138.20, 34.60}, {137.00, 34.55}, {136.85, 34.25}, {135.75, 33.42},
    {134.18, 33.24}, {133.00, 32.72}, {132.30, 32.90}, {131.70, 32.50}, {131.45, 31.60},
    {132.00, 31.00}, {132.50, 31.70}, {133.50, 32.30}, {134.50, 32.65}, {135.50, 32.95},
    {136.50, 33.30}, {137.50, 33.75}, {138.55, 34.25},
};

/* The Japan Trench forearc: from just off the coast (Boso, Choshi, Oarai,
 * Kitaibaraki, Fukushima, Oshika, Miyako, Hachinohe) out to the trench axis,
 * between the Kuril junction and the Boso triple junction. Offshore only, so
 * that the landing stations on the coast are outside it. */
static const cs_lonlat japan_trench[] = {
    {140.60, 34.90}, {140.95, 35.60}, {140.75, 36.30}, {141.00, 36.90}, {141.15, 37.60},
    {141.65, 38.30}, {142.10, 39.50}, {141.60, 40.50}, {142.00, 41.00}, {144.60, 41.00},
    {144.30, 39.50}, {143.90, 38.00}, {143.40, 37.00}, {142.50, 35.80}, {142.10, 34.20},
};

/* The Kitaibaraki and Takahagi landings and the sea off them. */
static const cs_lonlat kitaibaraki[] = BOX(140.60, 36.60, 141.10, 36.95);

/* The whole Ibaraki landing coast: Ajigaura, Ibaraki (Mito), Takahagi, Kitaibaraki. */
static const cs_lonlat ibaraki_coast[] = BOX(140.20, 36.20, 141.20, 36.95);

static const cs_region regions[] = {
    {"Luzon Strait", "Bashi, Balintang and Babuyan channels between Taiwan and Luzon",
     "https://en.wikipedia.org/wiki/Luzon_Strait", RING(luzon_strait)},
    {"Taiwan Strait", "between Fujian and Taiwan, Kaohsiung-Dongshan to Fugui Cape-Matsu",
     "https://en.wikipedia.org/wiki/Taiwan_Strait", RING(taiwan_strait)},
    {"Tsushima Strait", "the Korea Strait, both channels (Busan-Tsushima-Iki-Kyushu)",
     "https://en.wikipedia.org/wiki/Korea_Strait", RING(tsushima_strait)},
    {"East China Sea", "IHO limits: Taiwan-Turnabout Is., China coast, Jeju, Kyushu, Ryukyu arc",
     "https://iho.int/uploads/user/pubs/standards/s-23/S-23_Ed3_1953_EN.pdf", RING(east_china_sea)},
    {"Boso", "southern Boso Peninsula landing cluster (Chikura, Maruyama, Minamiboso, Wada)",
     "https://en.wikipedia.org/wiki/B%C5%8Ds%C5%8D_Peninsula", RING(boso)},
    {"Shima", "Shima Peninsula landing and the sea off it",
     "https://en.wikipedia.org/wiki/Shima_Peninsula", RING(shima)},
    {"Nankai Trough", "Nankai megathrust zone, coast to trough axis, Suruga Bay to Hyuga-nada",
     "https://en.wikipedia.org/wiki/Nankai_Trough", RING(nankai_trough)},
    {"Japan Trench", "Japan Trench forearc, offshore to the axis, Boso junction to 41N",
     "https://en.wikipedia.org/wiki/Japan_Trench", RING(japan_trench)},
    {"Kitaibaraki", "Kitaibaraki and Takahagi landings and the sea off them",
     "https://en.wikipedia.org/wiki/Kitaibaraki,_Ibaraki", RING(kitaibaraki)},
    {"Ibaraki coast", "Ajigaura, Ibaraki, Takahagi and Kitaibaraki landings",
     "https://en.wikipedia.org/wiki/Ibaraki_Prefecture", RING(ibaraki_coast)},
};

size_t cs_regions_count(void)
{
    return NV(regions);
}

const cs_region *cs_regions_get(size_t i)
{
    return i < NV(regions) ? &regions[i] : NULL;
}

static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

const cs_region *cs_regions_find(const char *name)
{
    if (name == NULL) return NULL;
    for (size_t i = 0; i < NV(regions); i++)
        if (same_name(regions[i].name, name)) return &regions[i];
    return NULL;
}

bool cs_regions_contains(const cs_region *r, cs_lonlat p)
{
    return cs_geo_point_in_polygon(p, r->ring, r->n);
}

void cs_regions_list(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NV(regions); i++) {
        const int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", regions[i].name);
        if (w < 0 || (size_t)w >= n - used) {
            /* Out of room: end with "..." where it still fits. */
            if (n >= 4) snprintf(buf + (n - 4), 4, "...");
            return;
        }
        used += (size_t)w;
    }
}
