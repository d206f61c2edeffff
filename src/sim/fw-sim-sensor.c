/* fw-sim-sensor.c — what one simulated probe reports, faults included
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like the pond model below it, every reading is a pure function of the
 * sensor, its faults and the time, so a rerun with the same options sends
 * the same numbers and a test can recompute what it should have received.
 */

#include "config.h"

#include <math.h>

#include "fw-sim-sensor.h"

/* How far a reading normally strays from the one before, per parameter;
 * a spike is five to ten times that. Taken from the pond model's own
 * noise and drift, rounded up to what a probe with a fouled membrane or a
 * loose cable shows. */
static const double spike_deviation[FW_N_PARAMETERS] = {
  [FW_PARAMETER_TEMPERATURE] = 0.3,
  [FW_PARAMETER_DISSOLVED_OXYGEN] = 0.5,
  [FW_PARAMETER_PH] = 0.1,
  [FW_PARAMETER_TOTAL_AMMONIA] = 0.1,
  [FW_PARAMETER_NITRITE] = 0.05,
  [FW_PARAMETER_SALINITY] = 0.1,
  [FW_PARAMETER_TURBIDITY] = 5.0,
};

/* About one spike every two hours, whatever the reporting interval. */
#define SPIKE_EVERY_SECONDS 7200.0

/* The shape of a crash in hours after it begins at 01:30 solar time: the
 * fall to the bottom by 04:30, the fish gasping there until the sun and
 * the emergency aerators take over around 07:00, and the recovery to the
 * pond's normal cycle by 11:00. */
#define CRASH_BEGIN_HOUR 1.5
#define CRASH_FALL_HOURS 3.0
#define CRASH_BOTTOM_UNTIL 5.5
#define CRASH_RECOVERY_HOURS 4.0

/* Respiration without photosynthesis fills the water with CO₂, which
 * lowers the pH with the oxygen. */
#define CRASH_PH_DROP 0.5

static double
smoothstep (double x)
{
  x = CLAMP (x, 0.0, 1.0);
  return x * x * (3.0 - 2.0 * x);
}

static gboolean
fault_active (const FwSimActiveFault *fault,
              FwTime                  t)
{
  return t >= fault->start && (fault->end == FW_SIM_FAULT_OPEN_END || t < fault->end);
}

/* How far into the crash @t is: 0 before and after, 1 at the bottom. */
static double
crash_weight (const FwSimActiveFault *fault,
              FwTime                  t)
{
  double hours;

  if (t < fault->start)
    return 0.0;

  hours = (t - fault->start) / 3600.0;

  if (hours < CRASH_FALL_HOURS)
    return smoothstep (hours / CRASH_FALL_HOURS);
  if (hours < CRASH_BOTTOM_UNTIL)
    return 1.0;

  return 1.0 - smoothstep ((hours - CRASH_BOTTOM_UNTIL) / CRASH_RECOVERY_HOURS);
}

static double
round_to (double value,
          guint  decimals)
{
  double scale = pow (10.0, decimals);

  return round (value * scale) / scale;
}

/* The reading at @t with the faults that change values, but not those
 * that take readings away. */
static double
compute_value (const FwSimSensor *sensor,
               FwTime             t)
{
  const FwParameterInfo *info = fw_parameter_get_info (sensor->parameter);
  gint64 step = t / sensor->interval;
  double value = fw_pond_model_value (&sensor->spec, sensor->parameter, t);

  for (guint i = 0; i < sensor->faults->len; i++)
    {
      const FwSimActiveFault *fault = &g_array_index (sensor->faults, FwSimActiveFault, i);

      switch (fault->kind)
        {
        case FW_SIM_FAULT_OXYGEN_CRASH:
          {
            double w = crash_weight (fault, t);

            if (w <= 0.0)
              break;

            if (sensor->parameter == FW_PARAMETER_DISSOLVED_OXYGEN)
              {
                /* The bottom lies between 0.8 and 1.2 mg/L, the same for
                 * every probe in the unit, with the probe's own noise. */
                double bottom = 0.8 + 0.4 * fw_pond_hash01 (fault->seed, fault->start)
                                + 0.1 * (fw_pond_hash01 (sensor->spec.seed + 41, step) - 0.5);

                value = value * (1.0 - w) + bottom * w;
              }
            else if (sensor->parameter == FW_PARAMETER_PH)
              {
                value -= CRASH_PH_DROP * w;
              }
          }
          break;

        case FW_SIM_FAULT_SPIKES:
          if (fault_active (fault, t)
              && fw_pond_hash01 (fault->seed, step)
                 < MIN (0.25, sensor->interval / SPIKE_EVERY_SECONDS))
            {
              double size = (5.0 + 5.0 * fw_pond_hash01 (fault->seed + 1, step))
                            * spike_deviation[sensor->parameter];

              value += fw_pond_hash01 (fault->seed + 2, step) < 0.5 ? -size : size;
            }
          break;

        case FW_SIM_FAULT_SILENT:
        case FW_SIM_FAULT_STUCK:
        default:
          break;
        }
    }

  /* A probe reports within its range, whatever the water does. */
  value = CLAMP (value, info->plausible_min, info->plausible_max);

  return round_to (value, fw_sim_sensor_get_decimals (sensor));
}

/**
 * fw_sim_unit_load:
 *
 * Returns: how heavily the unit with id @unit_id is stocked and fed, from
 *   0.75 to 1.35 like the demo farm's units, the same on every run
 */
double
fw_sim_unit_load (const char *unit_id)
{
  g_return_val_if_fail (unit_id != NULL, 1.0);

  return 0.75 + 0.6 * fw_pond_hash01 (fw_pond_seed_for (unit_id, "load"), 0);
}

/**
 * fw_sim_oxygen_crash_start:
 *
 * Returns: when the oxygen of a crash that may happen from @fault_start
 *   on begins to fall: the first 01:30 solar time from then
 */
FwTime
fw_sim_oxygen_crash_start (FwTime fault_start)
{
  FwTime begin = fw_pond_solar_midnight (fault_start) + (FwTime) (CRASH_BEGIN_HOUR * 3600);

  return begin >= fault_start ? begin : begin + 86400;
}

/**
 * fw_sim_sensor_new:
 * @seed: the run's seed; 0 gives the same water as every other run
 *
 * Returns: (transfer full): a simulated sensor without faults
 */
FwSimSensor *
fw_sim_sensor_new (const char  *id,
                   const char  *unit_id,
                   const char  *unit_name,
                   FwUnitKind   unit_kind,
                   FwParameter  parameter,
                   guint        interval,
                   guint64      seed)
{
  FwSimSensor *sensor;
  g_autofree char *salt = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (unit_id != NULL, NULL);
  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);
  g_return_val_if_fail (interval > 0, NULL);

  salt = seed == 0 ? g_strdup ("sim") : g_strdup_printf ("sim-%" G_GUINT64_FORMAT, seed);

  sensor = g_new0 (FwSimSensor, 1);
  sensor->id = g_strdup (id);
  sensor->unit_id = g_strdup (unit_id);
  sensor->unit_name = g_strdup (unit_name != NULL ? unit_name : "");
  sensor->unit_kind = unit_kind;
  sensor->parameter = parameter;
  sensor->interval = interval;
  sensor->spec.regime = fw_pond_regime_for_kind (unit_kind);
  sensor->spec.load = fw_sim_unit_load (unit_id);
  sensor->spec.seed = fw_pond_seed_for (id, salt);
  sensor->spec.interval = interval;
  sensor->faults = g_array_new (FALSE, FALSE, sizeof (FwSimActiveFault));

  return sensor;
}

void
fw_sim_sensor_free (FwSimSensor *sensor)
{
  if (sensor == NULL)
    return;

  g_free (sensor->id);
  g_free (sensor->unit_id);
  g_free (sensor->unit_name);
  g_array_unref (sensor->faults);
  g_free (sensor);
}

/**
 * fw_sim_sensor_matches:
 *
 * Returns: whether @fault's target names @sensor: its id, or its unit's
 *   name or id with the sensor's parameter, if the target gives one
 */
gboolean
fw_sim_sensor_matches (const FwSimSensor *sensor,
                       const FwSimFault  *fault)
{
  g_return_val_if_fail (sensor != NULL, FALSE);
  g_return_val_if_fail (fault != NULL, FALSE);

  if (g_str_equal (fault->target, sensor->id))
    return !fault->has_parameter || fault->parameter == sensor->parameter;

  if (!g_str_equal (fault->target, sensor->unit_id)
      && g_ascii_strcasecmp (fault->target, sensor->unit_name) != 0)
    return FALSE;

  return !fault->has_parameter || fault->parameter == sensor->parameter;
}

/**
 * fw_sim_sensor_add_fault:
 * @start: absolute time
 * @end: absolute time, or %FW_SIM_FAULT_OPEN_END
 *
 * An oxygen crash starts at the first night's 01:30 from @start on and
 * takes one night; the other faults last from @start to @end.
 */
void
fw_sim_sensor_add_fault (FwSimSensor    *sensor,
                         FwSimFaultKind  kind,
                         FwTime          start,
                         FwTime          end)
{
  FwSimActiveFault fault = { kind, start, end, 0 };

  g_return_if_fail (sensor != NULL);

  switch (kind)
    {
    case FW_SIM_FAULT_OXYGEN_CRASH:
      /* The water crashes, not the probe: every probe in the unit agrees. */
      fault.start = fw_sim_oxygen_crash_start (start);
      fault.end = FW_SIM_FAULT_OPEN_END;
      fault.seed = fw_pond_seed_for (sensor->unit_id, "oxygen-crash");
      break;

    case FW_SIM_FAULT_SPIKES:
      fault.seed = fw_pond_mix (sensor->spec.seed ^ G_GUINT64_CONSTANT (0x7370696b6573));
      break;

    case FW_SIM_FAULT_SILENT:
    case FW_SIM_FAULT_STUCK:
    default:
      break;
    }

  g_array_append_val (sensor->faults, fault);
}

/**
 * fw_sim_sensor_read:
 * @t: a time on the sensor's grid
 * @value: (out): the value, for %FW_SIM_READING_VALUE
 *
 * Returns: what the gateway has for @sensor at @t
 */
FwSimReading
fw_sim_sensor_read (const FwSimSensor *sensor,
                    FwTime             t,
                    double            *value)
{
  const FwSimActiveFault *stuck = NULL;

  g_return_val_if_fail (sensor != NULL, FW_SIM_READING_SILENT);
  g_return_val_if_fail (value != NULL, FW_SIM_READING_SILENT);

  for (guint i = 0; i < sensor->faults->len; i++)
    {
      const FwSimActiveFault *fault = &g_array_index (sensor->faults, FwSimActiveFault, i);

      if (!fault_active (fault, t))
        continue;

      if (fault->kind == FW_SIM_FAULT_SILENT)
        return FW_SIM_READING_SILENT;

      if (fault->kind == FW_SIM_FAULT_STUCK && stuck == NULL)
        stuck = fault;
    }

  if (stuck != NULL)
    {
      /* A frozen probe repeats the last reading it took before it froze,
       * and keeps doing so through what would have been dropouts. */
      FwTime last = stuck->start - 1;

      last -= ((last % sensor->interval) + sensor->interval) % sensor->interval;
      *value = compute_value (sensor, last);
      return FW_SIM_READING_VALUE;
    }

  if (fw_pond_model_missing (&sensor->spec, t))
    return FW_SIM_READING_DROPOUT;

  *value = compute_value (sensor, t);
  return FW_SIM_READING_VALUE;
}

/**
 * fw_sim_sensor_get_decimals:
 *
 * Returns: how many decimals @sensor reports: a probe resolves finer than
 *   people read, so two more than the app shows
 */
guint
fw_sim_sensor_get_decimals (const FwSimSensor *sensor)
{
  g_return_val_if_fail (sensor != NULL, 2);

  return (guint) fw_parameter_get_info (sensor->parameter)->digits + 2;
}
