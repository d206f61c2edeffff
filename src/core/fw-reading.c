/* fw-reading.c
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "fw-reading.h"

/**
 * fw_span_for_range:
 * @n_pixels: how wide the range is drawn
 *
 * Picks the coarsest resolution that still gives at least two points per
 * pixel, so that a chart reads a few thousand rows whatever its range,
 * yet every pixel has its own minimum, maximum and mean: a year drawn on
 * a thousand pixels reads its 8,760 hours, never half a million readings.
 * A range too short for hourly figures reads every reading; the chart's
 * decimation then brings it down to the pixels.
 *
 * Returns: the span to read the range at
 */
FwSpan
fw_span_for_range (FwTime from,
                   FwTime to,
                   guint  n_pixels)
{
  static const FwSpan spans[] = { FW_SPAN_DAY, FW_SPAN_HOUR };
  double wanted = 2.0 * MAX (n_pixels, 1);

  for (guint i = 0; i < G_N_ELEMENTS (spans); i++)
    if ((double) (to - from) / spans[i] >= wanted)
      return spans[i];

  return FW_SPAN_RAW;
}

/**
 * fw_readings_slope_per_hour:
 * @readings: (array length=n_readings): readings in any order
 * @n_readings: how many
 *
 * The least-squares slope of value over time. A fit over several readings
 * rather than the last two, so that one noisy reading does not flip the
 * trend arrow.
 *
 * Returns: the change per hour, or NAN with fewer than two distinct times
 */
double
fw_readings_slope_per_hour (const FwReading *readings,
                            gsize            n_readings)
{
  double mean_t = 0.0, mean_v = 0.0;
  double sxy = 0.0, sxx = 0.0;
  FwTime origin;

  g_return_val_if_fail (readings != NULL || n_readings == 0, NAN);

  if (n_readings < 2)
    return NAN;

  /* Hours from the first reading keep the sums small and exact enough. */
  origin = readings[0].time;
  for (gsize i = 0; i < n_readings; i++)
    {
      mean_t += (readings[i].time - origin) / 3600.0;
      mean_v += readings[i].value;
    }
  mean_t /= n_readings;
  mean_v /= n_readings;

  for (gsize i = 0; i < n_readings; i++)
    {
      double dt = (readings[i].time - origin) / 3600.0 - mean_t;

      sxy += dt * (readings[i].value - mean_v);
      sxx += dt * dt;
    }

  if (sxx <= 0.0)
    return NAN;

  return sxy / sxx;
}

FwTrend
fw_trend_from_slope (FwParameter parameter,
                     double      slope_per_hour)
{
  const FwParameterInfo *info = fw_parameter_get_info (parameter);

  g_return_val_if_fail (info != NULL, FW_TREND_UNKNOWN);

  if (isnan (slope_per_hour))
    return FW_TREND_UNKNOWN;

  if (fabs (slope_per_hour) < info->steady_per_hour)
    return FW_TREND_STEADY;

  return slope_per_hour > 0 ? FW_TREND_RISING : FW_TREND_FALLING;
}
