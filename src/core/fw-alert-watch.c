/* fw-alert-watch.c — one sensor's alert evaluator
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server feeds every reading of a sensor through one watch, in time
 * order, and ticks it on a timer so that silence is noticed; the app
 * checks a manual water sample against the same settings. A watch turns
 * readings into events: an alert fires, escalates to critical, or
 * resolves. It keeps only what it needs to decide that: which alert of
 * each condition is open, since when each condition has held, the last
 * reading, and five-minute means of the last few hours for the trend and
 * the dawn projection. It costs a few comparisons per reading; the
 * regressions run once per five minutes of readings.
 *
 * Conditions, each with at most one open alert:
 *
 * - low/high: a limit crossed for min_duration fires; the alert resolves
 *   only once the value is back inside by the hysteresis, so a value
 *   hovering at the limit raises one alert, not one per wobble.
 * - silent: no reading for silent_after × the sensor's interval. Silent
 *   dissolved oxygen is critical at night, when it matters most.
 * - stuck: exactly the same value for stuck_after; live water moves.
 * - falling: a least-squares slope over falling_window steeper than
 *   falling_per_hour.
 * - dawn: at night, the decline since dusk projected to dawn, as a night
 *   oxygen crew does with two readings and a ruler (C. E. Boyd, R. P.
 *   Romaire & E. Johnston, "Predicting early morning dissolved oxygen
 *   concentrations in channel catfish ponds", Trans. Am. Fish. Soc. 107
 *   (1978) 484–492), but along the curve the evening has drawn so far
 *   (project_to_dawn()). It needs two hours of readings after dusk, as the
 *   crews wait two or three.
 */

#include "config.h"

#include <math.h>

#include "fw-alert-watch.h"

#define SLOT_SECONDS   300
#define N_SLOTS        64
#define DAWN_WINDOW    (3 * 3600)
#define DAWN_MIN_SPAN  (2 * 3600)
#define DAWN_CLEAR_FOR 3600
#define UNSET          G_MININT64

typedef struct
{
  FwTime time;
  double value;
} Sample;

struct _FwAlertWatch
{
  FwParameter      parameter;
  guint            interval;
  FwAlertSettings  settings;
  GTimeZone       *zone;
  GArray          *maintenance;

  FwSeverity       active[FW_N_ALERT_CONDITIONS];
  FwTime           since[FW_N_ALERT_CONDITIONS][FW_N_SEVERITIES];

  gboolean         has_last;
  FwTime           last_time;
  double           last_value;
  FwTime           same_since;

  /* The five-minute slot being filled, and the means of those before. */
  FwTime           dawn_clear_since;

  FwTime           slot_start;
  double           slot_sum;
  guint            slot_count;
  Sample           slots[N_SLOTS];
  guint            first_slot;
  guint            n_slots;

  /* Night or day from night_from up to night_to, so that most readings
   * need no calendar arithmetic. */
  FwTime           night_from;
  FwTime           night_to;
  gboolean         night;
  FwTime           next_dawn;
};

static void
reset_since (FwAlertWatch     *self,
             FwAlertCondition  condition)
{
  for (guint s = 0; s < FW_N_SEVERITIES; s++)
    self->since[condition][s] = UNSET;
}

/**
 * fw_alert_watch_new:
 * @interval: how often the sensor reports, in seconds
 * @zone: the farm's time zone, for dusk and dawn
 */
FwAlertWatch *
fw_alert_watch_new (FwParameter            parameter,
                    guint                  interval,
                    const FwAlertSettings *settings,
                    GTimeZone             *zone)
{
  FwAlertWatch *self;

  g_return_val_if_fail ((guint) parameter < FW_N_PARAMETERS, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (zone != NULL, NULL);

  self = g_new0 (FwAlertWatch, 1);
  self->parameter = parameter;
  self->interval = MAX (interval, 1);
  self->settings = *settings;
  self->zone = g_time_zone_ref (zone);
  self->maintenance = g_array_new (FALSE, FALSE, sizeof (FwMaintenance));
  self->slot_start = UNSET;
  self->dawn_clear_since = UNSET;
  self->night_from = self->night_to = UNSET;

  for (guint c = 0; c < FW_N_ALERT_CONDITIONS; c++)
    reset_since (self, c);

  return self;
}

void
fw_alert_watch_free (FwAlertWatch *self)
{
  if (self == NULL)
    return;

  g_time_zone_unref (self->zone);
  g_array_unref (self->maintenance);
  g_free (self);
}

/* New settings apply from the next reading; open alerts stay open and
 * resolve by the new levels. */
void
fw_alert_watch_set_settings (FwAlertWatch          *self,
                             const FwAlertSettings *settings)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (settings != NULL);

  self->settings = *settings;
  self->night_from = self->night_to = UNSET;
}

const FwAlertSettings *
fw_alert_watch_get_settings (FwAlertWatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->settings;
}

void
fw_alert_watch_set_maintenance (FwAlertWatch        *self,
                                const FwMaintenance *windows,
                                guint                n_windows)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (windows != NULL || n_windows == 0);

  g_array_set_size (self->maintenance, 0);
  g_array_append_vals (self->maintenance, windows, n_windows);
}

/**
 * fw_alert_watch_restore:
 *
 * Tells a new watch about an alert that is still open from before (the
 * server's store outlives the server), so that it is resolved, not
 * raised again.
 */
void
fw_alert_watch_restore (FwAlertWatch     *self,
                        FwAlertCondition  condition,
                        FwSeverity        severity)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((guint) condition < FW_N_ALERT_CONDITIONS);

  self->active[condition] = MAX (self->active[condition], severity);
}

FwSeverity
fw_alert_watch_get_severity (FwAlertWatch     *self,
                             FwAlertCondition  condition)
{
  g_return_val_if_fail (self != NULL, FW_SEVERITY_NONE);
  g_return_val_if_fail ((guint) condition < FW_N_ALERT_CONDITIONS, FW_SEVERITY_NONE);

  return self->active[condition];
}

/* The time of the last reading, or G_MININT64 before the first. */
FwTime
fw_alert_watch_get_last_time (FwAlertWatch *self)
{
  g_return_val_if_fail (self != NULL, UNSET);

  return self->has_last ? self->last_time : UNSET;
}

static gboolean
in_maintenance (FwAlertWatch *self,
                FwTime        time)
{
  for (guint i = 0; i < self->maintenance->len; i++)
    {
      const FwMaintenance *window = &g_array_index (self->maintenance, FwMaintenance, i);

      if (time >= window->from && time < window->to)
        return TRUE;
    }

  return FALSE;
}

static void
emit (GArray           *events,
      FwAlertEventKind  kind,
      FwAlertCondition  condition,
      FwSeverity        severity,
      FwTime            time,
      double            value,
      double            limit)
{
  FwAlertEvent event = { kind, condition, severity, time, value, limit };

  if (events != NULL)
    g_array_append_val (events, event);
}

/* Whether @condition is open or on its way at @severity or worse: then
 * its off level, not its on level, decides. */
static gboolean
holding (FwAlertWatch     *self,
         FwAlertCondition  condition,
         FwSeverity        severity)
{
  return self->active[condition] >= severity || self->since[condition][severity] != UNSET;
}

/* Moves @condition to @target at @time: fires once the target has held
 * for @min_duration, escalates, or resolves. A warning waiting in a
 * maintenance window fires when the window ends, if it still holds. */
static void
settle (FwAlertWatch     *self,
        FwAlertCondition  condition,
        FwSeverity        target,
        FwTime            min_duration,
        FwTime            time,
        double            value,
        const double     *limits,
        GArray           *events)
{
  FwSeverity ready = FW_SEVERITY_NONE;

  for (guint s = FW_SEVERITY_WARNING; s < FW_N_SEVERITIES; s++)
    {
      if (target < s)
        self->since[condition][s] = UNSET;
      else if (self->since[condition][s] == UNSET)
        self->since[condition][s] = time;
    }

  if (target == FW_SEVERITY_NONE)
    {
      if (self->active[condition] != FW_SEVERITY_NONE)
        emit (events, FW_ALERT_EVENT_RESOLVE, condition, self->active[condition], time, value, NAN);
      self->active[condition] = FW_SEVERITY_NONE;
      return;
    }

  for (guint s = FW_N_SEVERITIES - 1; s > FW_SEVERITY_NONE; s--)
    {
      if (self->since[condition][s] != UNSET && time - self->since[condition][s] >= min_duration)
        {
          ready = s;
          break;
        }
    }

  if (ready == FW_SEVERITY_WARNING && self->active[condition] == FW_SEVERITY_NONE &&
      in_maintenance (self, time))
    return;

  if (ready > self->active[condition])
    {
      emit (events,
            self->active[condition] == FW_SEVERITY_NONE ? FW_ALERT_EVENT_FIRE : FW_ALERT_EVENT_ESCALATE,
            condition, ready, time, value, limits != NULL ? limits[ready] : NAN);
      self->active[condition] = ready;
    }
}

static void
check_limits (FwAlertWatch *self,
              FwTime        time,
              double        value,
              GArray       *events)
{
  const FwLimits *l = &self->settings.limits;
  double h = self->settings.hysteresis;
  const double low_limits[FW_N_SEVERITIES] = { NAN, l->warning_low, l->critical_low };
  const double high_limits[FW_N_SEVERITIES] = { NAN, l->warning_high, l->critical_high };
  FwSeverity low = FW_SEVERITY_NONE;
  FwSeverity high = FW_SEVERITY_NONE;

  /* Comparisons with a NAN limit are false: no such limit, no alert. */
  for (guint s = FW_N_SEVERITIES - 1; s > FW_SEVERITY_NONE; s--)
    {
      double off = holding (self, FW_ALERT_CONDITION_LOW, s) ? h : 0;

      if (value < low_limits[s] + off)
        {
          low = s;
          break;
        }
    }

  for (guint s = FW_N_SEVERITIES - 1; s > FW_SEVERITY_NONE; s--)
    {
      double off = holding (self, FW_ALERT_CONDITION_HIGH, s) ? h : 0;

      if (value > high_limits[s] - off)
        {
          high = s;
          break;
        }
    }

  settle (self, FW_ALERT_CONDITION_LOW, low, self->settings.min_duration, time, value, low_limits, events);
  settle (self, FW_ALERT_CONDITION_HIGH, high, self->settings.min_duration, time, value, high_limits, events);
}

/* The first moment after @time when the farm's clock shows @minute. */
static FwTime
next_local_minute (GTimeZone *zone,
                   FwTime     time,
                   int        minute)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) at = g_date_time_new (zone,
                                             g_date_time_get_year (local),
                                             g_date_time_get_month (local),
                                             g_date_time_get_day_of_month (local),
                                             minute / 60, minute % 60, 0);

  if (at == NULL)
    return time + 24 * 3600;

  if (g_date_time_to_unix (at) <= time)
    {
      g_autoptr(GDateTime) tomorrow = g_date_time_add_days (at, 1);

      return g_date_time_to_unix (tomorrow);
    }

  return g_date_time_to_unix (at);
}

/**
 * fw_alert_is_night:
 * @zone: the farm's time zone
 * @next_dawn: (out) (optional): the first dawn after @time
 *
 * Whether @time falls between the rule's dusk and dawn, in the farm's
 * local time: it is night when dawn comes before the next dusk.
 */
gboolean
fw_alert_is_night (const FwAlertSettings *settings,
                   GTimeZone             *zone,
                   FwTime                 time,
                   FwTime                *next_dawn)
{
  FwTime dawn, dusk;

  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (zone != NULL, FALSE);

  dawn = next_local_minute (zone, time, settings->dawn_minute);
  dusk = next_local_minute (zone, time, settings->dusk_minute);

  if (next_dawn != NULL)
    *next_dawn = dawn;

  return dawn < dusk;
}

static gboolean
is_night (FwAlertWatch *self,
          FwTime        time)
{
  if (self->night_from == UNSET || time < self->night_from || time >= self->night_to)
    {
      FwTime dusk;

      self->night = fw_alert_is_night (&self->settings, self->zone, time, &self->next_dawn);
      dusk = next_local_minute (self->zone, time, self->settings.dusk_minute);
      self->night_from = time;
      self->night_to = MIN (self->next_dawn, dusk);
    }

  return self->night;
}

/* Least-squares line through the slot means from @from on; the slope in
 * units per second and the line's value at @at. */
static gboolean
fit_line (FwAlertWatch *self,
          FwTime        from,
          FwTime        min_span,
          FwTime        at,
          double       *slope,
          double       *value_at)
{
  double st = 0, sv = 0, stt = 0, stv = 0;
  FwTime first = UNSET, last = UNSET;
  guint n = 0;
  double mean_t, mean_v, var;

  for (guint i = 0; i < self->n_slots; i++)
    {
      const Sample *sample = &self->slots[(self->first_slot + i) % N_SLOTS];
      double t;

      if (sample->time < from)
        continue;

      if (first == UNSET)
        first = sample->time;
      last = sample->time;

      /* Relative to @at, so that the sums stay small and exact enough. */
      t = (double) (sample->time - at);
      st += t;
      sv += sample->value;
      stt += t * t;
      stv += t * sample->value;
      n++;
    }

  if (n < 4 || last - first < min_span)
    return FALSE;

  mean_t = st / n;
  mean_v = sv / n;
  var = stt / n - mean_t * mean_t;
  if (var <= 0)
    return FALSE;

  *slope = (stv / n - mean_t * mean_v) / var;
  *value_at = mean_v - *slope * mean_t;
  return TRUE;
}

/* Night-time oxygen in a pond follows dC/dt = −r + k·(Cs − C): respiration
 * takes a steady amount, diffusion through the surface gives back in
 * proportion to the deficit below saturation, and the water settles
 * towards Cs − r/k along an exponential. Over a fixed lag L the solution
 * is linear, C(t + L) = α + β·C(t) with β = e^(−kL), so a least-squares
 * line through the pairs (C(t), C(t + L)) since dusk gives the curve the
 * evening has drawn so far, and β^(Δt/L) carries it to dawn. A straight
 * line through the steep start of the evening would cry wolf every night.
 * When the fall is not slowing (β ≥ 1), the straight line is all there
 * is. The respiration–diffusion view is that of C. P. Madenjian, G. L.
 * Rogers & A. W. Fast, "Predicting night time dissolved oxygen loss in
 * prawn ponds of Hawaii: Part II. A new method", Aquacult. Eng. 6 (1987)
 * 209–225; the two-reading straight line is Boyd et al. (1978). */
#define DAWN_LAG_SLOTS 6

static gboolean
project_to_dawn (FwAlertWatch *self,
                 FwTime        from,
                 FwTime        time,
                 double       *projected)
{
  Sample window[N_SLOTS];
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  double alpha, beta, var, now_value, lag, ahead, per_second;
  guint n = 0, pairs;

  for (guint i = 0; i < self->n_slots; i++)
    {
      const Sample *sample = &self->slots[(self->first_slot + i) % N_SLOTS];

      if (sample->time >= from)
        window[n++] = *sample;
    }

  if (n <= DAWN_LAG_SLOTS + 6 || window[n - 1].time - window[0].time < DAWN_MIN_SPAN)
    return FALSE;

  pairs = n - DAWN_LAG_SLOTS;
  for (guint i = 0; i < pairs; i++)
    {
      double x = window[i].value;
      double y = window[i + DAWN_LAG_SLOTS].value;

      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }

  now_value = window[n - 1].value;
  ahead = (double) (self->next_dawn - window[n - 1].time);
  lag = (double) (window[DAWN_LAG_SLOTS].time - window[0].time);
  per_second = (window[n - 1].value - window[0].value) / (double) (window[n - 1].time - window[0].time);

  /* Only a fall is projected: rising or level water warns of nothing. */
  if (per_second >= 0)
    return FALSE;

  var = sxx / pairs - (sx / pairs) * (sx / pairs);
  beta = var > 1e-9 ? (sxy / pairs - (sx / pairs) * (sy / pairs)) / var : 1;
  alpha = sy / pairs - beta * sx / pairs;

  if (beta > 0 && beta < 1)
    {
      double settles_at = alpha / (1 - beta);

      *projected = settles_at + (now_value - settles_at) * pow (beta, ahead / lag);
    }
  else
    *projected = now_value + per_second * ahead;

  *projected = MAX (*projected, 0.0);

  return TRUE;
}

static void
check_trends (FwAlertWatch *self,
              FwTime        time,
              GArray       *events)
{
  const FwAlertSettings *s = &self->settings;
  double slope, now_value;

  if (s->falling_per_hour > 0 && s->falling_window > 0)
    {
      FwSeverity target = FW_SEVERITY_NONE;

      if (fit_line (self, time - s->falling_window, s->falling_window / 2, time, &slope, &now_value))
        {
          double per_hour = -slope * 3600;
          double needed = holding (self, FW_ALERT_CONDITION_FALLING, FW_SEVERITY_WARNING)
                          ? s->falling_per_hour / 2 : s->falling_per_hour;

          if (per_hour > needed)
            target = FW_SEVERITY_WARNING;
          settle (self, FW_ALERT_CONDITION_FALLING, target, 0, time, -per_hour,
                  (const double[]) { NAN, -s->falling_per_hour, NAN }, events);
        }
      else if (self->active[FW_ALERT_CONDITION_FALLING] != FW_SEVERITY_NONE)
        settle (self, FW_ALERT_CONDITION_FALLING, FW_SEVERITY_NONE, 0, time, NAN, NULL, events);
    }

  if (!isnan (s->dawn_limit))
    {
      FwSeverity target = FW_SEVERITY_NONE;
      double projected = NAN;
      gboolean open = self->active[FW_ALERT_CONDITION_DAWN] != FW_SEVERITY_NONE;

      if (is_night (self, time))
        {
          int night_minutes = (s->dawn_minute - s->dusk_minute + 24 * 60) % (24 * 60);
          FwTime dusk = self->next_dawn - (FwTime) night_minutes * 60;

          if (!project_to_dawn (self, MAX (dusk, time - DAWN_WINDOW), time, &projected))
            return;   /* too little to go on yet, or a level night */

          if (projected < s->dawn_limit + (open ? s->hysteresis : 0))
            target = FW_SEVERITY_WARNING;

          /* A projection moves as the night draws its curve: the warning
           * stands until it has been clear for an hour, or until dawn. */
          if (target == FW_SEVERITY_NONE && open)
            {
              if (self->dawn_clear_since == UNSET)
                self->dawn_clear_since = time;
              if (time - self->dawn_clear_since < DAWN_CLEAR_FOR)
                return;
            }
        }

      self->dawn_clear_since = UNSET;
      settle (self, FW_ALERT_CONDITION_DAWN, target, 0, time, projected,
              (const double[]) { NAN, s->dawn_limit, NAN }, events);
    }
}

/* Adds a reading to the five-minute means; a finished slot updates the
 * trend and the projection. */
static void
add_to_slots (FwAlertWatch *self,
              FwTime        time,
              double        value,
              GArray       *events)
{
  FwTime slot = time - (time % SLOT_SECONDS + SLOT_SECONDS) % SLOT_SECONDS;

  if (self->slot_start != UNSET && slot != self->slot_start && self->slot_count > 0)
    {
      Sample mean = { self->slot_start + SLOT_SECONDS / 2, self->slot_sum / self->slot_count };

      if (self->n_slots == N_SLOTS)
        {
          self->first_slot = (self->first_slot + 1) % N_SLOTS;
          self->n_slots--;
        }
      self->slots[(self->first_slot + self->n_slots) % N_SLOTS] = mean;
      self->n_slots++;

      self->slot_sum = 0;
      self->slot_count = 0;
      self->slot_start = slot;
      self->slot_sum += value;
      self->slot_count++;

      check_trends (self, time, events);
      return;
    }

  self->slot_start = slot;
  self->slot_sum += value;
  self->slot_count++;
}

/**
 * fw_alert_watch_add:
 * @events: (element-type FwAlertEvent) (nullable): where to append what
 *   the reading sets off
 *
 * Feeds one reading. Readings must come in time order: one no newer than
 * the last is ignored (a late reading cannot fire an alert about the
 * past).
 *
 * Returns: whether the reading was taken
 */
gboolean
fw_alert_watch_add (FwAlertWatch *self,
                    FwTime        time,
                    double        value,
                    GArray       *events)
{
  const FwAlertSettings *s;
  FwSeverity stuck = FW_SEVERITY_NONE;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!isfinite (value) || (self->has_last && time <= self->last_time))
    return FALSE;

  s = &self->settings;

  if (self->active[FW_ALERT_CONDITION_SILENT] != FW_SEVERITY_NONE)
    settle (self, FW_ALERT_CONDITION_SILENT, FW_SEVERITY_NONE, 0, time, value, NULL, events);

  check_limits (self, time, value, events);

  if (!self->has_last || value != self->last_value)
    self->same_since = time;
  if (s->stuck_after > 0 && time - self->same_since >= s->stuck_after)
    stuck = FW_SEVERITY_WARNING;
  if (stuck != FW_SEVERITY_NONE || self->active[FW_ALERT_CONDITION_STUCK] != FW_SEVERITY_NONE)
    settle (self, FW_ALERT_CONDITION_STUCK, stuck, 0, time, value, NULL, events);

  self->has_last = TRUE;
  self->last_time = time;
  self->last_value = value;

  add_to_slots (self, time, value, events);
  return TRUE;
}

/**
 * fw_alert_watch_tick:
 * @now: the time now
 *
 * Lets time pass without a reading: a sensor that has not reported for
 * silent_after × its interval raises a silence alert.
 */
void
fw_alert_watch_tick (FwAlertWatch *self,
                     FwTime        now,
                     GArray       *events)
{
  FwSeverity target = FW_SEVERITY_NONE;
  FwTime quiet_for;

  g_return_if_fail (self != NULL);

  if (!self->has_last || self->settings.silent_after == 0)
    return;

  quiet_for = (FwTime) self->settings.silent_after * self->interval;
  if (now - self->last_time > quiet_for)
    {
      target = FW_SEVERITY_WARNING;
      if (self->parameter == FW_PARAMETER_DISSOLVED_OXYGEN && is_night (self, now))
        target = FW_SEVERITY_CRITICAL;
    }

  settle (self, FW_ALERT_CONDITION_SILENT, target, 0, now, NAN, NULL, events);
}

/**
 * fw_alert_check_sample:
 * @condition: (out): which limit @value crosses
 * @limit: (out): the level crossed
 *
 * Checks one manual water sample against the limits of @settings. A
 * sample is a single look: no duration, no hysteresis.
 *
 * Returns: the severity, %FW_SEVERITY_NONE when the value is inside
 */
FwSeverity
fw_alert_check_sample (const FwAlertSettings *settings,
                       double                 value,
                       FwAlertCondition      *condition,
                       double                *limit)
{
  const FwLimits *l;

  g_return_val_if_fail (settings != NULL, FW_SEVERITY_NONE);
  g_return_val_if_fail (condition != NULL && limit != NULL, FW_SEVERITY_NONE);

  l = &settings->limits;
  *limit = NAN;

  if (value < l->critical_low || value > l->critical_high)
    {
      *condition = value < l->critical_low ? FW_ALERT_CONDITION_LOW : FW_ALERT_CONDITION_HIGH;
      *limit = value < l->critical_low ? l->critical_low : l->critical_high;
      return FW_SEVERITY_CRITICAL;
    }

  if (value < l->warning_low || value > l->warning_high)
    {
      *condition = value < l->warning_low ? FW_ALERT_CONDITION_LOW : FW_ALERT_CONDITION_HIGH;
      *limit = value < l->warning_low ? l->warning_low : l->warning_high;
      return FW_SEVERITY_WARNING;
    }

  return FW_SEVERITY_NONE;
}
