/* fw-pond-model.c — water that behaves like water, as a function of time
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every value is a pure function of the sensor and the time: the same
 * farm comes out on every machine, and continuing a history later does so
 * without a seam.
 *
 * The physics is deliberately simple but has the shapes a farmer knows:
 * - earthen ponds (channel catfish): water temperature follows the season
 *   and the weather with an afternoon peak; algae push dissolved oxygen
 *   above saturation by mid-afternoon on a sunny day and respiration draws
 *   it down overnight to a low at dawn, lowest after a cloudy day in a
 *   heavily stocked pond, where aerators then hold it up; pH rises and
 *   falls with photosynthesis (CO₂ uptake);
 * - recirculating tanks (Nile tilapia): heated water, oxygen injected to a
 *   set point with dips after each feed, pH drifting down between weekly
 *   bicarbonate doses, ammonia peaking a few hours after feeding;
 * - spring-fed raceways (rainbow trout): cold, steady water near oxygen
 *   saturation;
 * - net cages in a lake: the lake's large volume damps the daily swings of
 *   a pond, and the fish's own respiration shows after each feed.
 * Probes drop out now and then for a few hours: histories have real gaps.
 *
 * The demo farm's readings must not change when this file does: a change
 * to a formula the demo uses rewrites every demo cache's history on its
 * next top-up. Add new regimes and parameters beside the old ones.
 */

#include "config.h"

#include <math.h>

#include "fw-pond-model.h"

/* The farm lies near 90° W: the sun is highest around 18:00 UTC. */
#define SOLAR_OFFSET_HOURS (-6.0)

/* SplitMix64's finaliser: a cheap hash with every input bit reaching
 * every output bit, so neighbouring keys give unrelated values. */
static guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static double
hash01 (guint64 seed,
        gint64  key)
{
  return (mix (seed ^ mix ((guint64) key)) >> 11) * (1.0 / 9007199254740992.0);
}

/* Roughly normal, mean 0 and deviation 1: the sum of three uniforms. */
static double
hash_normal (guint64 seed,
             gint64  key)
{
  return (hash01 (seed, key) + hash01 (seed + 1, key) + hash01 (seed + 2, key) - 1.5) * 2.0;
}

/* Value noise in [-1, 1] that changes smoothly over @x knots. */
static double
smooth_noise (guint64 seed,
              double  x)
{
  double knot = floor (x);
  double f = x - knot;
  double a = hash01 (seed, (gint64) knot) * 2.0 - 1.0;
  double b = hash01 (seed, (gint64) knot + 1) * 2.0 - 1.0;

  f = f * f * (3.0 - 2.0 * f);
  return a + (b - a) * f;
}

static double
solar_hour (FwTime t)
{
  double h = fmod (t / 3600.0 + SOLAR_OFFSET_HOURS, 24.0);

  return h < 0 ? h + 24.0 : h;
}

static gint64
solar_day (FwTime t)
{
  return (gint64) floor ((t / 3600.0 + SOLAR_OFFSET_HOURS) / 24.0);
}

static double
day_of_year (FwTime t)
{
  return fmod (t / 86400.0, 365.2425);
}

/* Oxygen solubility in fresh water at sea level, mg/L, from the
 * polynomial fit to the Benson & Krause (1984) table used by APHA
 * Standard Methods 4500-O; good to about 0.05 mg/L from 0 to 35 °C. */
static double
oxygen_saturation (double celsius)
{
  return 14.652 - 0.41022 * celsius + 0.007991 * celsius * celsius
         - 0.000077774 * celsius * celsius * celsius;
}

static double
weather (FwTime t)
{
  static const guint64 farm_seed = 0x77696c6c6f77ULL;

  return 2.0 * smooth_noise (farm_seed, t / (3.0 * 86400.0))
         + 0.8 * smooth_noise (farm_seed + 7, t / 86400.0);
}

/* How sunny a solar day is, from 0.15 (overcast) to 1. */
static double
sunshine (gint64 day)
{
  static const guint64 sky_seed = 0x736b79ULL;

  return 0.15 + 0.85 * pow (hash01 (sky_seed, day), 0.6);
}

static gint64
noise_step (const FwPondSpec *spec)
{
  return spec->interval > 0 ? (gint64) spec->interval : FW_POND_DEFAULT_INTERVAL;
}

static double
pond_temperature (const FwPondSpec *spec,
                  FwTime            t)
{
  double season = 20.5 + 8.5 * cos (2 * G_PI * (day_of_year (t) - 205.0) / 365.2425);
  double diurnal = 1.2 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0);
  double own = 0.4 * smooth_noise (spec->seed + 11, t / (5.0 * 86400.0));

  return season + weather (t) + diurnal + own;
}

/* The afternoon peak of a day's oxygen, and how much respiration takes
 * away over the following night. */
static void
pond_oxygen_day (const FwPondSpec *spec,
                 gint64            day,
                 double           *peak,
                 double           *night_loss)
{
  FwTime afternoon = (day * 24 + 16) * 3600 - (FwTime) (SOLAR_OFFSET_HOURS * 3600);
  double celsius = pond_temperature (spec, afternoon);
  double warmth = CLAMP (celsius / 26.0, 0.2, 1.3);
  double algae = 0.45 * warmth * sunshine (day) * (0.8 + 0.2 * spec->load);

  *peak = oxygen_saturation (celsius) * (1.02 + algae);
  *night_loss = 6.2 * spec->load * pow (warmth, 1.5)
                * (0.9 + 0.2 * hash01 (spec->seed + 3, day));
}

static double
pond_oxygen (const FwPondSpec *spec,
             FwTime            t)
{
  double hour = solar_hour (t);
  gint64 day = solar_day (t);
  double peak, loss, prev_peak, prev_loss, value;

  pond_oxygen_day (spec, day, &peak, &loss);

  if (hour >= 6.0 && hour < 16.0)
    {
      /* Morning: from the dawn low up to the afternoon peak. */
      double dawn;

      pond_oxygen_day (spec, day - 1, &prev_peak, &prev_loss);
      dawn = prev_peak - prev_loss;
      value = dawn + (peak - dawn) * (1.0 - cos (G_PI * (hour - 6.0) / 10.0)) / 2.0;
    }
  else
    {
      /* Night: from the peak of the afternoon before down to dawn. */
      double since_peak = hour >= 16.0 ? hour - 16.0 : hour + 8.0;

      if (hour < 6.0)
        pond_oxygen_day (spec, day - 1, &peak, &loss);

      value = peak - loss * sin (G_PI / 2.0 * since_peak / 14.0);
    }

  /* Below 3 mg/L the aerators run and slow the fall. */
  if (value < 3.0)
    value = 3.0 - (3.0 - value) * 0.35;

  return MAX (0.2, value + 0.08 * hash_normal (spec->seed, t / noise_step (spec)));
}

static double
feeding_pulse (FwTime t,
               double decay_hours)
{
  /* Feeds at 08:00 and 15:00 solar time; the effect fades exponentially. */
  double hour = solar_hour (t);
  double since_morning = hour >= 8.0 ? hour - 8.0 : hour + 16.0;
  double since_afternoon = hour >= 15.0 ? hour - 15.0 : hour + 9.0;

  return exp (-since_morning / decay_hours) + exp (-since_afternoon / decay_hours);
}

/* A lake warms and cools more slowly than a pond: the same season and
 * weather, with smaller swings. */
static double
lake_temperature (const FwPondSpec *spec,
                  FwTime            t)
{
  double season = 20.0 + 7.0 * cos (2 * G_PI * (day_of_year (t) - 215.0) / 365.2425);
  double diurnal = 0.4 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0);
  double own = 0.2 * smooth_noise (spec->seed + 11, t / (5.0 * 86400.0));

  return season + 0.5 * weather (t) + diurnal + own;
}

/* The parameters the demo farm never measures, as a level that grows with
 * the load, a bump after each feed, a slow drift and probe noise. Levels
 * are the usual ones for each kind of water:
 * - nitrite: pond and lake water stays below about 0.1 mg/L NO₂-N, a
 *   recirculating system with a working biofilter runs 0.1 to 0.5
 *   (SRAC Publication 462, Durborow et al., 1997; SRAC Publication 451,
 *   Masser et al., 1999);
 * - salinity: inland fresh water carries 0.1 to 0.5 ppt of dissolved
 *   salts; tilapia systems are often salted to 1 to 3 ppt, whose chloride
 *   blocks nitrite uptake at the gills (SRAC 462);
 * - turbidity: a plankton bloom keeps a fertile pond at a Secchi depth of
 *   30 to 45 cm, some 20 to 60 NTU (Boyd, "Water Quality in Ponds for
 *   Aquaculture", 1990, ch. 8); spring and tank water stays below 5 NTU;
 * - ammonia in raceways and cages, where the water carries it away, stays
 *   near 0.1 mg/L TAN with a rise after feeding. */
typedef struct
{
  double level;
  double per_load;
  double pulse;         /* peak rise after a feed, per unit of load */
  double pulse_hours;   /* how fast that rise fades */
  double drift;
  double noise;
  double floor;         /* a probe's lowest reading */
} MinorParameter;

static const MinorParameter *
find_minor (FwPondRegime regime,
            FwParameter  parameter)
{
  /* Indexed by regime, then nitrite, salinity, turbidity, ammonia. */
  static const MinorParameter minor[4][4] = {
    [FW_POND_REGIME_POND] = {
      { 0.03, 0.04, 0.01, 6.0, 0.02, 0.004, 0.002 },
      { 0.25, 0.05, 0.0, 1.0, 0.05, 0.005, 0.05 },
      { 25.0, 15.0, 2.0, 2.0, 8.0, 1.0, 1.0 },
      { 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0 },  /* in the demo's own formula */
    },
    [FW_POND_REGIME_TANK] = {
      { 0.1, 0.1, 0.08, 6.0, 0.05, 0.005, 0.005 },
      { 2.0, 0.0, 0.0, 1.0, 0.2, 0.01, 0.1 },
      { 2.0, 1.0, 1.5, 1.5, 0.8, 0.15, 0.2 },
      { 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0 },  /* in the demo's own formula */
    },
    [FW_POND_REGIME_RACEWAY] = {
      { 0.01, 0.01, 0.005, 2.0, 0.005, 0.001, 0.001 },
      { 0.15, 0.0, 0.0, 1.0, 0.02, 0.002, 0.02 },
      { 1.5, 0.5, 0.6, 1.0, 0.4, 0.1, 0.1 },
      { 0.05, 0.05, 0.1, 2.0, 0.02, 0.008, 0.01 },
    },
    [FW_POND_REGIME_CAGE] = {
      { 0.02, 0.01, 0.005, 4.0, 0.01, 0.002, 0.001 },
      { 0.2, 0.0, 0.0, 1.0, 0.03, 0.003, 0.02 },
      { 8.0, 2.0, 1.0, 2.0, 3.0, 0.5, 0.5 },
      { 0.06, 0.05, 0.08, 3.0, 0.02, 0.008, 0.01 },
    },
  };
  guint row;

  switch (parameter)
    {
    case FW_PARAMETER_NITRITE:
      row = 0;
      break;
    case FW_PARAMETER_SALINITY:
      row = 1;
      break;
    case FW_PARAMETER_TURBIDITY:
      row = 2;
      break;
    case FW_PARAMETER_TOTAL_AMMONIA:
      row = 3;
      break;
    case FW_PARAMETER_TEMPERATURE:
    case FW_PARAMETER_DISSOLVED_OXYGEN:
    case FW_PARAMETER_PH:
    default:
      g_return_val_if_reached (NULL);
    }

  g_return_val_if_fail ((guint) regime < G_N_ELEMENTS (minor), NULL);

  return &minor[regime][row];
}

static double
minor_value (const FwPondSpec *spec,
             FwParameter       parameter,
             FwTime            t,
             double            noise,
             double            drift)
{
  const MinorParameter *m = find_minor (spec->regime, parameter);
  double value;

  g_return_val_if_fail (m != NULL, NAN);

  value = m->level + m->per_load * spec->load + m->drift * drift
          + m->pulse * spec->load * feeding_pulse (t, m->pulse_hours) + m->noise * noise;

  return MAX (m->floor, value);
}

static double
cage_value (const FwPondSpec *spec,
            FwParameter       parameter,
            FwTime            t,
            double            noise,
            double            drift)
{
  double diurnal = sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0);
  double celsius = lake_temperature (spec, t);

  switch (parameter)
    {
    case FW_PARAMETER_TEMPERATURE:
      return celsius + 0.03 * noise;

    case FW_PARAMETER_DISSOLVED_OXYGEN:
      /* Lake water mixes with the air: near saturation, a little above it
       * in the afternoon, drawn down by the caged fish after each feed. */
      return MAX (0.2, oxygen_saturation (celsius) * (0.92 + 0.08 * diurnal)
                       - 0.8 * spec->load * feeding_pulse (t, 1.5)
                       + 0.3 * drift + 0.06 * noise);

    case FW_PARAMETER_PH:
      return 7.7 + 0.2 * diurnal + 0.1 * drift + 0.02 * noise;

    case FW_PARAMETER_TOTAL_AMMONIA:
    case FW_PARAMETER_NITRITE:
    case FW_PARAMETER_SALINITY:
    case FW_PARAMETER_TURBIDITY:
      return minor_value (spec, parameter, t, noise, drift);

    default:
      g_return_val_if_reached (NAN);
    }
}

/**
 * fw_pond_regime_for_kind:
 *
 * Returns: how water of a unit of @kind behaves
 */
FwPondRegime
fw_pond_regime_for_kind (FwUnitKind kind)
{
  switch (kind)
    {
    case FW_UNIT_KIND_POND:
      return FW_POND_REGIME_POND;
    case FW_UNIT_KIND_TANK:
      return FW_POND_REGIME_TANK;
    case FW_UNIT_KIND_CAGE:
      return FW_POND_REGIME_CAGE;
    case FW_UNIT_KIND_RACEWAY:
      return FW_POND_REGIME_RACEWAY;
    default:
      g_return_val_if_reached (FW_POND_REGIME_POND);
    }
}

/**
 * fw_pond_mix:
 *
 * Returns: a hash of @x in which every bit of @x moves every bit
 */
guint64
fw_pond_mix (guint64 x)
{
  return mix (x);
}

/**
 * fw_pond_hash01:
 *
 * Returns: a number in [0, 1) that depends only on @seed and @key
 */
double
fw_pond_hash01 (guint64 seed,
                gint64  key)
{
  return hash01 (seed, key);
}

/**
 * fw_pond_seed_for:
 *
 * Returns: a seed for a model, the same for the same two strings on
 *   every machine (g_str_hash() is a fixed function, not a salted one)
 */
guint64
fw_pond_seed_for (const char *a,
                  const char *b)
{
  g_return_val_if_fail (a != NULL, 0);
  g_return_val_if_fail (b != NULL, 0);

  return mix (g_str_hash (a) ^ ((guint64) g_str_hash (b) << 32));
}

/**
 * fw_pond_solar_hour:
 *
 * Returns: the hour of the sun's day at the model's farm, from 0 to 24,
 *   with noon when the sun is highest
 */
double
fw_pond_solar_hour (FwTime t)
{
  return solar_hour (t);
}

/**
 * fw_pond_solar_midnight:
 *
 * Returns: the start of the sun's day that @t falls in
 */
FwTime
fw_pond_solar_midnight (FwTime t)
{
  return solar_day (t) * 86400 - (FwTime) (SOLAR_OFFSET_HOURS * 3600);
}

/**
 * fw_pond_oxygen_saturation:
 * @celsius: water temperature
 *
 * Returns: how much oxygen fresh water at sea level holds at @celsius,
 *   in mg/L
 */
double
fw_pond_oxygen_saturation (double celsius)
{
  return oxygen_saturation (celsius);
}

/**
 * fw_pond_model_value:
 *
 * Returns: what a working probe for @parameter reads at @t
 */
double
fw_pond_model_value (const FwPondSpec *spec,
                     FwParameter       parameter,
                     FwTime            t)
{
  double noise, drift;

  g_return_val_if_fail (spec != NULL, NAN);
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NAN);

  noise = hash_normal (spec->seed, t / noise_step (spec));
  drift = smooth_noise (spec->seed + 5, t / (7.0 * 86400.0));

  switch (spec->regime)
    {
    case FW_POND_REGIME_POND:
      switch (parameter)
        {
        case FW_PARAMETER_TEMPERATURE:
          return pond_temperature (spec, t) + 0.05 * noise;

        case FW_PARAMETER_DISSOLVED_OXYGEN:
          return pond_oxygen (spec, t);

        case FW_PARAMETER_PH:
          {
            double celsius = pond_temperature (spec, t);
            double oxygen = pond_oxygen (spec, t);
            double ph = 7.45 + 0.2 * (oxygen - 0.8 * oxygen_saturation (celsius)) + 0.15 * drift;

            return CLAMP (ph, 6.6, 9.4) + 0.02 * noise;
          }

        case FW_PARAMETER_TOTAL_AMMONIA:
          return MAX (0.02, 0.2 + 0.3 * spec->load + 0.15 * drift
                            + 0.06 * feeding_pulse (t, 4.0) + 0.015 * noise);

        case FW_PARAMETER_NITRITE:
        case FW_PARAMETER_SALINITY:
        case FW_PARAMETER_TURBIDITY:
          return minor_value (spec, parameter, t, noise, drift);

        default:
          g_return_val_if_reached (NAN);
        }

    case FW_POND_REGIME_TANK:
      switch (parameter)
        {
        case FW_PARAMETER_TEMPERATURE:
          return 27.5 + 0.3 * drift + 0.15 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0)
                 + 0.03 * noise;

        case FW_PARAMETER_DISSOLVED_OXYGEN:
          return 7.0 + 0.4 * drift - 1.1 * spec->load * feeding_pulse (t, 0.8) + 0.07 * noise;

        case FW_PARAMETER_PH:
          {
            /* Bicarbonate every seventh day lifts the pH back up. */
            double days_since_dose = fmod (t / 86400.0 + spec->load * 2.0, 7.0);

            return 7.45 - 0.075 * days_since_dose * spec->load + 0.03 * drift + 0.015 * noise;
          }

        case FW_PARAMETER_TOTAL_AMMONIA:
          return MAX (0.02, 0.25 + 0.35 * spec->load * feeding_pulse (t, 2.5)
                            + 0.05 * drift + 0.01 * noise);

        case FW_PARAMETER_NITRITE:
        case FW_PARAMETER_SALINITY:
        case FW_PARAMETER_TURBIDITY:
          return minor_value (spec, parameter, t, noise, drift);

        default:
          g_return_val_if_reached (NAN);
        }

    case FW_POND_REGIME_RACEWAY:
      {
        double celsius = 11.5 + 1.2 * cos (2 * G_PI * (day_of_year (t) - 220.0) / 365.2425)
                         + 0.3 * sin (2 * G_PI * (solar_hour (t) - 10.0) / 24.0);

        switch (parameter)
          {
          case FW_PARAMETER_TEMPERATURE:
            return celsius + 0.03 * noise;

          case FW_PARAMETER_DISSOLVED_OXYGEN:
            return oxygen_saturation (celsius) * 0.93 - 0.7 * spec->load * feeding_pulse (t, 1.0)
                   + 0.2 * drift + 0.06 * noise;

          case FW_PARAMETER_PH:
            return 7.6 + 0.06 * drift + 0.01 * noise;

          case FW_PARAMETER_TOTAL_AMMONIA:
          case FW_PARAMETER_NITRITE:
          case FW_PARAMETER_SALINITY:
          case FW_PARAMETER_TURBIDITY:
            return minor_value (spec, parameter, t, noise, drift);

          default:
            g_return_val_if_reached (NAN);
          }
      }

    case FW_POND_REGIME_CAGE:
      return cage_value (spec, parameter, t, noise, drift);

    default:
      g_return_val_if_reached (NAN);
    }
}

/**
 * fw_pond_model_missing:
 *
 * About one day in 25 a probe drops out for one to eight hours.
 *
 * Returns: whether the probe of @spec has nothing to report at @t
 */
gboolean
fw_pond_model_missing (const FwPondSpec *spec,
                       FwTime            t)
{
  gint64 day = t / 86400;

  g_return_val_if_fail (spec != NULL, FALSE);

  for (gint64 d = day - 1; d <= day; d++)
    {
      FwTime start, length;

      if (hash01 (spec->seed + 17, d) >= 0.04)
        continue;

      start = d * 86400 + (FwTime) (hash01 (spec->seed + 19, d) * 86400);
      length = 3600 + (FwTime) (hash01 (spec->seed + 23, d) * 7 * 3600);

      if (t >= start && t < start + length)
        return TRUE;
    }

  return FALSE;
}
