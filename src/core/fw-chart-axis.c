/* fw-chart-axis.c — where a chart's ticks go and what they say
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The time axis is calendar-aware: ticks fall on the farm's local hours,
 * midnights, Mondays, months and years, so a day is 23 or 25 hours long
 * across a change of daylight saving time and a month is a month. The
 * value axis steps by 1, 2, 2.5 or 5 times a power of ten.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "fw-chart-axis.h"

typedef enum
{
  STEP_MINUTE,
  STEP_HOUR,
  STEP_DAY,
  STEP_WEEK,
  STEP_MONTH,
  STEP_YEAR,
} StepUnit;

typedef struct
{
  StepUnit unit;
  guint    n;
  double   seconds;   /* nominal: a month is 1/12 of a mean Gregorian year */
} Step;

#define MONTH_SECONDS (365.2425 * 86400 / 12)

static const Step steps[] = {
  { STEP_MINUTE, 1, 60 },
  { STEP_MINUTE, 5, 300 },
  { STEP_MINUTE, 10, 600 },
  { STEP_MINUTE, 15, 900 },
  { STEP_MINUTE, 30, 1800 },
  { STEP_HOUR, 1, 3600 },
  { STEP_HOUR, 2, 7200 },
  { STEP_HOUR, 3, 10800 },
  { STEP_HOUR, 6, 21600 },
  { STEP_HOUR, 12, 43200 },
  { STEP_DAY, 1, 86400 },
  { STEP_DAY, 2, 2 * 86400 },
  { STEP_WEEK, 1, 7 * 86400 },
  { STEP_MONTH, 1, MONTH_SECONDS },
  { STEP_MONTH, 3, 3 * MONTH_SECONDS },
  { STEP_MONTH, 6, 6 * MONTH_SECONDS },
  { STEP_YEAR, 1, 12 * MONTH_SECONDS },
  { STEP_YEAR, 2, 24 * MONTH_SECONDS },
  { STEP_YEAR, 5, 60 * MONTH_SECONDS },
  { STEP_YEAR, 10, 120 * MONTH_SECONDS },
  { STEP_YEAR, 25, 300 * MONTH_SECONDS },
  { STEP_YEAR, 50, 600 * MONTH_SECONDS },
  { STEP_YEAR, 100, 1200 * MONTH_SECONDS },
};

/* Sixty years either side of the epoch is plenty for pond records, and
 * keeps GDate and GDateTime far from their limits whatever is asked. */
#define EARLIEST ((FwTime) -2208988800)   /* 1900-01-01 */
#define LATEST   ((FwTime) 7258118400)    /* 2200-01-01 */

static GDateTime *
local_time (FwTime     time,
            GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);

  return g_date_time_to_timezone (utc, tz);
}

static void
clear_tick (gpointer data)
{
  FwTimeTick *tick = data;

  g_clear_pointer (&tick->label, g_free);
}

static void
add_tick (GArray     *ticks,
          GDateTime  *dt,
          const char *format,
          gboolean    major)
{
  FwTimeTick tick = {
    g_date_time_to_unix (dt),
    g_date_time_format (dt, format),
    major,
  };

  /* Two local times can share one instant only in a badly made zone; a
   * tick is never drawn twice. */
  if (ticks->len > 0 && g_array_index (ticks, FwTimeTick, ticks->len - 1).time >= tick.time)
    {
      g_free (tick.label);
      return;
    }

  g_array_append_val (ticks, tick);
}

/* Minutes and hours: instants a whole number of minutes or hours after
 * local midnight. Walking in real time and testing the local clock keeps
 * them right through a change of daylight saving time: after a fall back
 * the hour 01:00 comes twice, and is ticked twice. */
static void
add_clock_ticks (GArray      *ticks,
                 const Step  *step,
                 FwTime       from,
                 FwTime       to,
                 GTimeZone   *tz)
{
  FwTime stride = step->unit == STEP_MINUTE ? 60 * step->n : 3600;
  g_autoptr(GDateTime) first = local_time (from, tz);
  FwTime t = g_date_time_to_unix (first) - g_date_time_get_second (first);

  if (step->unit == STEP_HOUR)
    t -= g_date_time_get_minute (first) * 60;
  else
    t -= (g_date_time_get_minute (first) % step->n) * 60;

  for (; t <= to; t += stride)
    {
      g_autoptr(GDateTime) dt = NULL;
      int hour, minute;

      if (t < from)
        continue;

      dt = local_time (t, tz);
      hour = g_date_time_get_hour (dt);
      minute = g_date_time_get_minute (dt);

      if (minute % (step->unit == STEP_MINUTE ? step->n : 60) != 0)
        continue;
      if (step->unit == STEP_HOUR && hour % step->n != 0)
        continue;

      if (hour == 0 && minute == 0)
        /* Translators: a time-axis label at midnight, a strftime()-like
         * format for g_date_time_format(): day of the month and short month */
        add_tick (ticks, dt, C_("time axis", "%-d %b"), TRUE);
      else
        /* Translators: a time-axis label, a g_date_time_format() format:
         * hours and minutes */
        add_tick (ticks, dt, C_("time axis", "%H:%M"), FALSE);
    }
}

static gboolean
date_is_tick (const GDate *date,
              const Step  *step)
{
  switch (step->unit)
    {
    case STEP_DAY:
      return g_date_get_julian (date) % step->n == 0;
    case STEP_WEEK:
      return g_date_get_weekday (date) == G_DATE_MONDAY;
    case STEP_MONTH:
      return g_date_get_day (date) == 1 && (g_date_get_month (date) - 1) % step->n == 0;
    case STEP_YEAR:
      return g_date_get_day (date) == 1 && g_date_get_month (date) == 1 &&
             g_date_get_year (date) % step->n == 0;
    case STEP_MINUTE:
    case STEP_HOUR:
    default:
      g_assert_not_reached ();
    }
}

/* Days and longer: local midnights, found by walking the calendar. */
static void
add_calendar_ticks (GArray      *ticks,
                    const Step  *step,
                    FwTime       from,
                    FwTime       to,
                    GTimeZone   *tz)
{
  g_autoptr(GDateTime) first = local_time (from, tz);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date,
                  g_date_time_get_day_of_month (first),
                  g_date_time_get_month (first),
                  g_date_time_get_year (first));

  /* Start at a unit boundary, then step by whole units. */
  if (step->unit == STEP_MONTH || step->unit == STEP_YEAR)
    g_date_set_day (&date, 1);
  if (step->unit == STEP_YEAR)
    g_date_set_month (&date, G_DATE_JANUARY);

  for (;;)
    {
      g_autoptr(GDateTime) midnight = NULL;
      FwTime t;

      if (!date_is_tick (&date, step))
        goto next;

      midnight = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                                  g_date_get_day (&date), 0, 0, 0);
      if (midnight == NULL)
        goto next;

      t = g_date_time_to_unix (midnight);
      if (t > to)
        break;

      if (t >= from)
        {
          switch (step->unit)
            {
            case STEP_DAY:
            case STEP_WEEK:
              add_tick (ticks, midnight, C_("time axis", "%-d %b"), g_date_get_day (&date) == 1);
              break;

            case STEP_MONTH:
              if (g_date_get_month (&date) == G_DATE_JANUARY)
                /* Translators: a time-axis label for a year, a
                 * g_date_time_format() format */
                add_tick (ticks, midnight, C_("time axis", "%Y"), TRUE);
              else
                /* Translators: a time-axis label for a month, a
                 * g_date_time_format() format: the short month name */
                add_tick (ticks, midnight, C_("time axis", "%b"), FALSE);
              break;

            case STEP_YEAR:
              add_tick (ticks, midnight, C_("time axis", "%Y"), FALSE);
              break;

            case STEP_MINUTE:
            case STEP_HOUR:
            default:
              g_assert_not_reached ();
            }
        }

    next:
      switch (step->unit)
        {
        case STEP_DAY:
        case STEP_WEEK:
          g_date_add_days (&date, 1);
          break;
        case STEP_MONTH:
          g_date_add_months (&date, 1);
          break;
        case STEP_YEAR:
          g_date_add_years (&date, 1);
          break;
        case STEP_MINUTE:
        case STEP_HOUR:
        default:
          g_assert_not_reached ();
        }

      if (g_date_get_year (&date) > 2200)
        break;
    }
}

/**
 * fw_time_axis_get_ticks:
 * @tz: the farm's time zone
 * @max_ticks: how many labels fit
 *
 * Places the ticks of a time axis over [@from, @to]: the finest calendar
 * step (minutes, hours, days, weeks, months, years) that gives at most
 * @max_ticks of them, at the local times a person would pick.
 *
 * Returns: (transfer full) (element-type FwTimeTick): the ticks in time order
 */
GArray *
fw_time_axis_get_ticks (FwTime     from,
                        FwTime     to,
                        GTimeZone *tz,
                        guint      max_ticks)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (FwTimeTick));
  const Step *step = &steps[G_N_ELEMENTS (steps) - 1];

  g_return_val_if_fail (tz != NULL, ticks);

  g_array_set_clear_func (ticks, clear_tick);

  from = CLAMP (from, EARLIEST, LATEST);
  to = CLAMP (to, EARLIEST, LATEST);
  if (to <= from || max_ticks == 0)
    return ticks;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if ((to - from) / steps[i].seconds <= max_ticks)
      {
        step = &steps[i];
        break;
      }

  if (step->unit == STEP_MINUTE || step->unit == STEP_HOUR)
    add_clock_ticks (ticks, step, from, to, tz);
  else
    add_calendar_ticks (ticks, step, from, to, tz);

  return ticks;
}

/**
 * fw_time_axis_format_time:
 * @span: the length of the bucket the time starts: a day shows no hour
 *
 * Returns: (transfer full): @time in @tz as a chart tooltip says it
 */
char *
fw_time_axis_format_time (FwTime     time,
                          FwTime     span,
                          GTimeZone *tz)
{
  g_autoptr(GDateTime) dt = local_time (CLAMP (time, EARLIEST, LATEST), tz);

  if (span >= 86400)
    /* Translators: a day in a chart's tooltip, a g_date_time_format() format */
    return g_date_time_format (dt, C_("chart tooltip", "%a %-d %b %Y"));

  /* Translators: a moment in a chart's tooltip, a g_date_time_format() format */
  return g_date_time_format (dt, C_("chart tooltip", "%a %-d %b %Y, %H:%M"));
}

/**
 * fw_value_axis_get_ticks:
 * @max_ticks: how many labels fit, at least two
 * @ticks: (out caller-allocates): the ticks
 *
 * Encloses [@min, @max] in round ticks. A constant series gets a small
 * range around its value; values that are not finite give [0, 1].
 */
void
fw_value_axis_get_ticks (double        min,
                         double        max,
                         guint         max_ticks,
                         FwValueTicks *ticks)
{
  static const double factors[] = { 1, 2, 2.5, 5, 10 };
  double range, scale, magnitude, step = 1;

  g_return_if_fail (ticks != NULL);

  if (!isfinite (min) || !isfinite (max))
    min = 0, max = 1;
  if (min > max)
    {
      double swap = min;

      min = max;
      max = swap;
    }

  /* Far from the largest double, so the arithmetic below stays finite. */
  min = MAX (min, -1e300);
  max = MIN (max, 1e300);
  max_ticks = MAX (max_ticks, 2);

  scale = MAX (fabs (min), fabs (max));
  if (max - min <= scale * 1e-9)
    {
      /* A constant: a tenth of its size either side, or ±1 around zero. */
      double pad = scale > 0 ? scale * 0.05 : 1;

      min -= pad;
      max += pad;
    }

  range = max - min;
  magnitude = pow (10, floor (log10 (range / (max_ticks - 1))));

  for (guint i = 0; i < G_N_ELEMENTS (factors); i++)
    {
      step = factors[i] * magnitude;
      if (ceil (max / step - 1e-9) - floor (min / step + 1e-9) <= max_ticks - 1)
        break;
    }

  ticks->step = step;
  ticks->first = floor (min / step + 1e-9) * step;
  ticks->last = ceil (max / step - 1e-9) * step;
  ticks->digits = CLAMP ((int) -floor (log10 (step) + 1e-9), 0, 15);
  /* 2.5 needs one decimal more than its power of ten. */
  if (fabs (step / pow (10, floor (log10 (step) + 1e-9)) - 2.5) < 1e-9)
    ticks->digits = MIN (ticks->digits + 1, 15);
}

guint
fw_value_ticks_get_count (const FwValueTicks *ticks)
{
  return (guint) llround ((ticks->last - ticks->first) / ticks->step) + 1;
}

double
fw_value_ticks_get_value (const FwValueTicks *ticks,
                          guint               i)
{
  double value = ticks->first + i * ticks->step;

  /* Not -0 nor 1e-17 where the axis crosses zero. */
  return fabs (value) < ticks->step * 1e-9 ? 0 : value;
}

/**
 * fw_value_ticks_format:
 *
 * Returns: (transfer full): @value as a tick label: as many decimals as
 *   the step needs, and powers of ten for very large or small numbers
 */
char *
fw_value_ticks_format (const FwValueTicks *ticks,
                       double              value)
{
  double largest = MAX (fabs (ticks->first), fabs (ticks->last));

  if (largest >= 1e7 || (ticks->step < 1e-4 && largest < 1e-3))
    {
      /* Enough significant figures to tell neighbouring ticks apart. */
      int figures = CLAMP ((int) (floor (log10 (largest)) - floor (log10 (ticks->step))) + 1, 1, 15);

      return g_strdup_printf ("%.*g", figures, value);
    }

  return g_strdup_printf ("%.*f", ticks->digits, value);
}
