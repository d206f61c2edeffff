/* fw-chart-series.c — one line of a chart: its data and what it says
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A series holds a stretch of one sensor's history at one resolution (raw
 * readings, or hourly or daily summaries), a little wider than the chart
 * shows, so that panning mostly needs no query and otherwise only the
 * strip that comes into view. It knows nothing of widgets: the chart asks
 * it for pixel columns, each with the minimum, maximum and mean of what
 * falls in it (min/max decimation: no spike is ever lost), and for a
 * summary a screen reader can speak.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "fw-cache.h"
#include "fw-chart-axis.h"
#include "fw-chart-series.h"
#include "fw-csv.h"
#include "fw-format.h"

struct _FwChartSeries
{
  GObject      parent_instance;

  gint64       sensor_id;
  FwParameter  parameter;
  char        *label;
  guint        interval;

  FwSpan       span;
  GArray      *buckets;        /* FwBucket, oldest first */
  FwTime       loaded_from;    /* what is held is all there is in [from, to) */
  FwTime       loaded_to;
  FwTime       view_from;      /* the range last planned for */
  FwTime       view_to;
  guint        generation;
  guint        invalidations;  /* how often the cache said it holds more */
  FwTime       invalid_from;   /* from when, the last time */
};

G_DEFINE_FINAL_TYPE (FwChartSeries, fw_chart_series, G_TYPE_OBJECT)

static void
fw_chart_series_finalize (GObject *object)
{
  FwChartSeries *self = FW_CHART_SERIES (object);

  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->buckets, g_array_unref);

  G_OBJECT_CLASS (fw_chart_series_parent_class)->finalize (object);
}

static void
fw_chart_series_class_init (FwChartSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fw_chart_series_finalize;
}

static void
fw_chart_series_init (FwChartSeries *self)
{
  self->buckets = g_array_new (FALSE, FALSE, sizeof (FwBucket));
}

/**
 * fw_chart_series_new:
 * @label: what the legend and the screen reader call it
 * @interval_s: how often the sensor reports: a longer silence is a gap
 */
FwChartSeries *
fw_chart_series_new (gint64       sensor_id,
                     FwParameter  parameter,
                     const char  *label,
                     guint        interval_s)
{
  FwChartSeries *self;

  g_return_val_if_fail (label != NULL, NULL);

  self = g_object_new (FW_TYPE_CHART_SERIES, NULL);
  self->sensor_id = sensor_id;
  self->parameter = parameter;
  self->label = g_strdup (label);
  self->interval = MAX (interval_s, 1);

  return self;
}

gint64
fw_chart_series_get_sensor_id (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), 0);

  return self->sensor_id;
}

FwParameter
fw_chart_series_get_parameter (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), 0);

  return self->parameter;
}

const char *
fw_chart_series_get_label (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), NULL);

  return self->label;
}

guint
fw_chart_series_get_interval (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), 0);

  return self->interval;
}

FwSpan
fw_chart_series_get_span (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), FW_SPAN_RAW);

  return self->span;
}

/**
 * fw_chart_series_get_generation:
 *
 * Returns: a number that changes whenever the data does, so a chart can
 *   keep what it drew until then
 */
guint
fw_chart_series_get_generation (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), 0);

  return self->generation;
}

/**
 * fw_chart_series_get_buckets:
 *
 * Returns: (array length=n_buckets): the data held, oldest first
 */
const FwBucket *
fw_chart_series_get_buckets (FwChartSeries *self,
                             guint         *n_buckets)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), NULL);

  *n_buckets = self->buckets->len;
  return (const FwBucket *) (gpointer) self->buckets->data;
}

/* A bucket stands at the middle of its span; a raw reading at its time. */
static inline FwTime
bucket_time (FwChartSeries  *self,
             const FwBucket *bucket)
{
  return bucket->time + self->span / 2;
}

/* How long a bucket reaches: raw rows of folded history are hours. */
static inline FwTime
bucket_extent (FwChartSeries  *self,
               const FwBucket *bucket)
{
  if (self->span != FW_SPAN_RAW)
    return self->span;
  return bucket->count > 1 ? FW_SPAN_HOUR : 0;
}

/* The first bucket whose start is at or after @time. */
static guint
lower_bound (GArray *buckets,
             FwTime  time)
{
  guint lo = 0, hi = buckets->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (buckets, FwBucket, mid).time < time)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Data after this time may still change: readings of the present second,
 * or the summary of the hour or day under way. */
static FwTime
settled_until (FwSpan span,
               FwTime now)
{
  if (span == FW_SPAN_RAW)
    return now + 1;
  return now - ((now % span) + span) % span;
}

/**
 * fw_chart_series_plan_load:
 * @from: the start of the range the chart shows
 * @to: its end
 * @span: the resolution it needs (fw_span_for_range())
 * @now: the present
 * @load_from: (out): the start of the range to read
 * @load_to: (out): its end
 *
 * Works out what to read from the cache for the chart to show
 * [@from, @to): nothing when the series holds it and a quarter of its
 * width either side already, else the strip that pans towards view or the
 * whole range, with half its width more.
 *
 * Returns: %TRUE when something must be read
 */
gboolean
fw_chart_series_plan_load (FwChartSeries *self,
                           FwTime         from,
                           FwTime         to,
                           FwSpan         span,
                           FwTime         now,
                           FwTime        *load_from,
                           FwTime        *load_to)
{
  FwTime width = MAX (to - from, 1);
  /* Nothing exists after the present; a summary under way is read again. */
  FwTime limit = span == FW_SPAN_RAW ? settled_until (span, now) : settled_until (span, now) + span;
  /* Read ahead: a quarter of a width short of the edge of what is held,
   * the next strip is read, before a pan reaches it. */
  FwTime need_from = from - width / 4;
  FwTime need_to = MIN (to + width / 4, limit);
  FwTime margin_from = from - width / 2;
  FwTime margin_to = MIN (to + width / 2, limit);

  g_return_val_if_fail (FW_IS_CHART_SERIES (self), FALSE);
  g_return_val_if_fail (load_from != NULL && load_to != NULL, FALSE);

  self->view_from = from;
  self->view_to = to;

  if (span == self->span && self->loaded_from <= need_from && need_to <= self->loaded_to)
    return FALSE;

  if (span != self->span || self->loaded_to <= self->loaded_from ||
      need_to <= self->loaded_from || need_from >= self->loaded_to ||
      (need_from < self->loaded_from && need_to > self->loaded_to))
    {
      /* Everything, with half a width either side so that the next pan
       * steps need nothing. */
      *load_from = margin_from;
      *load_to = MAX (margin_to, margin_from + 1);
    }
  else if (need_from < self->loaded_from)
    {
      /* The strip panning into view, and the same margin beyond it. */
      *load_from = margin_from;
      *load_to = self->loaded_from;
    }
  else
    {
      *load_from = self->loaded_to;
      *load_to = MAX (margin_to, self->loaded_to + 1);
    }

  return TRUE;
}

/**
 * fw_chart_series_add_buckets:
 * @span: their resolution
 * @from: the start of the range they were read for
 * @to: its end
 * @now: when they were read
 * @buckets: (array length=n_buckets): everything the cache holds in
 *   [@from, @to) at @span, oldest first
 *
 * Takes what fw_chart_series_plan_load() asked for: it replaces what the
 * series held in [@from, @to), or everything when the resolution changed
 * or the ranges do not meet. Data far outside the last planned view is
 * let go, so a long pan does not grow the series without end.
 */
void
fw_chart_series_add_buckets (FwChartSeries  *self,
                             FwSpan          span,
                             FwTime          from,
                             FwTime          to,
                             FwTime          now,
                             const FwBucket *buckets,
                             guint           n_buckets)
{
  FwTime settled = settled_until (span, now);
  g_autoptr(GArray) merged = NULL;
  guint before, after;

  g_return_if_fail (FW_IS_CHART_SERIES (self));
  g_return_if_fail (buckets != NULL || n_buckets == 0);

  self->generation++;

  if (span != self->span || self->loaded_to <= self->loaded_from ||
      to < self->loaded_from || from > self->loaded_to)
    {
      self->span = span;
      g_array_set_size (self->buckets, 0);
      g_array_append_vals (self->buckets, buckets, n_buckets);
      self->loaded_from = from;
      self->loaded_to = MIN (to, settled);
      return;
    }

  before = lower_bound (self->buckets, from);
  after = lower_bound (self->buckets, to);

  merged = g_array_sized_new (FALSE, FALSE, sizeof (FwBucket),
                              before + n_buckets + (self->buckets->len - after));
  g_array_append_vals (merged, self->buckets->data, before);
  g_array_append_vals (merged, buckets, n_buckets);
  g_array_append_vals (merged, &g_array_index (self->buckets, FwBucket, after),
                       self->buckets->len - after);

  g_array_unref (self->buckets);
  self->buckets = g_steal_pointer (&merged);
  self->loaded_from = MIN (self->loaded_from, from);
  self->loaded_to = MAX (self->loaded_to, MIN (to, settled));

  /* Keep two widths either side of the view. */
  if (self->view_to > self->view_from)
    {
      FwTime keep = 2 * (self->view_to - self->view_from);
      FwTime keep_from = self->view_from - keep;
      FwTime keep_to = self->view_to + keep;
      guint first = lower_bound (self->buckets, keep_from);
      guint end = lower_bound (self->buckets, keep_to);

      if (keep_from > self->loaded_from && first > 0)
        {
          g_array_remove_range (self->buckets, 0, first);
          end -= first;
          self->loaded_from = keep_from;
        }
      if (keep_to < self->loaded_to && end < self->buckets->len)
        {
          g_array_set_size (self->buckets, end);
          self->loaded_to = keep_to;
        }
    }
}

/**
 * fw_chart_series_invalidate_after:
 *
 * Says that the cache may hold more from @time on than the series does
 * (the sync brought readings): the next plan reads that stretch again.
 */
void
fw_chart_series_invalidate_after (FwChartSeries *self,
                                  FwTime         time)
{
  g_return_if_fail (FW_IS_CHART_SERIES (self));

  /* The summary holding @time is read again whole. */
  if (self->span != FW_SPAN_RAW)
    time = settled_until (self->span, time);

  self->invalidations++;
  self->invalid_from = time;
  if (self->loaded_to > time)
    self->loaded_to = MAX (time, self->loaded_from);
}

/**
 * fw_chart_series_get_gap:
 *
 * Returns: the longest silence a line is drawn across: three reporting
 *   intervals, or one and a half buckets of summaries
 */
FwTime
fw_chart_series_get_gap (FwChartSeries *self)
{
  g_return_val_if_fail (FW_IS_CHART_SERIES (self), 0);

  return MAX (3 * (FwTime) self->interval, 3 * (FwTime) self->span / 2);
}

static gboolean
is_gap (FwChartSeries  *self,
        const FwBucket *a,
        const FwBucket *b)
{
  FwTime extent = MAX (bucket_extent (self, a), bucket_extent (self, b));
  FwTime allowed = MAX (fw_chart_series_get_gap (self), 3 * extent / 2);

  return bucket_time (self, b) - bucket_time (self, a) > allowed;
}

/**
 * fw_chart_series_decimate:
 * @columns: (array length=n_columns) (out caller-allocates): one per pixel
 *
 * Spreads what falls in [@from, @to) over @n_columns columns. Each keeps
 * the minimum and maximum of every reading in it, and the sum and count
 * for the mean; an empty column has a count of 0. A column is @joined to
 * the one with data before it unless the sensor fell silent for longer
 * than fw_chart_series_get_gap() in between: the chart leaves a gap there.
 *
 * Returns: the number of columns with data
 */
guint
fw_chart_series_decimate (FwChartSeries *self,
                          FwTime         from,
                          FwTime         to,
                          FwChartColumn *columns,
                          guint          n_columns)
{
  const FwBucket *previous = NULL;
  guint filled = 0;
  double per_second;

  g_return_val_if_fail (FW_IS_CHART_SERIES (self), 0);
  g_return_val_if_fail (columns != NULL || n_columns == 0, 0);

  memset (columns, 0, sizeof (FwChartColumn) * n_columns);
  if (to <= from || n_columns == 0)
    return 0;

  per_second = (double) n_columns / (double) (to - from);

  for (guint i = lower_bound (self->buckets, from - self->span / 2); i < self->buckets->len; i++)
    {
      const FwBucket *bucket = &g_array_index (self->buckets, FwBucket, i);
      FwTime t = bucket_time (self, bucket);
      FwChartColumn *column;
      guint c;

      if (t < from)
        {
          previous = bucket;
          continue;
        }
      if (t >= to)
        break;

      c = MIN ((guint) ((t - from) * per_second), n_columns - 1);
      column = &columns[c];

      if (column->count == 0)
        {
          filled++;
          column->first = t;
          column->min = bucket->min;
          column->max = bucket->max;
          /* A line comes in from the left unless the sensor fell silent. */
          column->joined = previous != NULL && !is_gap (self, previous, bucket);
        }

      column->last = t;
      column->min = MIN (column->min, bucket->min);
      column->max = MAX (column->max, bucket->max);
      column->sum += bucket->sum;
      column->count += bucket->count;
      previous = bucket;
    }

  return filled;
}

/**
 * fw_chart_series_get_range:
 * @min: (out): the lowest value in [@from, @to), or NAN when there is none
 * @max: (out): the highest
 */
void
fw_chart_series_get_range (FwChartSeries *self,
                           FwTime         from,
                           FwTime         to,
                           double        *min,
                           double        *max)
{
  g_return_if_fail (FW_IS_CHART_SERIES (self));

  *min = NAN;
  *max = NAN;

  for (guint i = lower_bound (self->buckets, from - self->span / 2); i < self->buckets->len; i++)
    {
      const FwBucket *bucket = &g_array_index (self->buckets, FwBucket, i);
      FwTime t = bucket_time (self, bucket);

      if (t < from)
        continue;
      if (t >= to)
        break;

      *min = isnan (*min) ? bucket->min : MIN (*min, bucket->min);
      *max = isnan (*max) ? bucket->max : MAX (*max, bucket->max);
    }
}

/**
 * fw_chart_series_summarize:
 * @summary: (out caller-allocates): the lowest and highest values with
 *   their times, the latest, and the trend over [@from, @to)
 */
void
fw_chart_series_summarize (FwChartSeries  *self,
                           FwTime          from,
                           FwTime          to,
                           FwChartSummary *summary)
{
  g_autoptr(GArray) means = g_array_new (FALSE, FALSE, sizeof (FwReading));

  g_return_if_fail (FW_IS_CHART_SERIES (self));
  g_return_if_fail (summary != NULL);

  *summary = (FwChartSummary) { 0, NAN, 0, NAN, 0, NAN, 0, FW_TREND_UNKNOWN };

  for (guint i = lower_bound (self->buckets, from - self->span / 2); i < self->buckets->len; i++)
    {
      const FwBucket *bucket = &g_array_index (self->buckets, FwBucket, i);
      FwTime t = bucket_time (self, bucket);
      FwReading mean = { t, bucket->sum / bucket->count };

      if (t < from)
        continue;
      if (t >= to)
        break;

      if (summary->count == 0 || bucket->min < summary->min)
        summary->min = bucket->min, summary->min_time = t;
      if (summary->count == 0 || bucket->max > summary->max)
        summary->max = bucket->max, summary->max_time = t;
      summary->latest = mean.value;
      summary->latest_time = t;
      summary->count += bucket->count;
      g_array_append_val (means, mean);
    }

  if (means->len > 1)
    summary->trend = fw_trend_from_slope (self->parameter,
                                          fw_readings_slope_per_hour ((FwReading *) (gpointer) means->data,
                                                                      means->len));
}

/**
 * fw_chart_series_describe:
 * @tz: the farm's time zone
 *
 * Returns: (transfer full): what the chart shows over [@from, @to) in a
 *   sentence or two, for screen readers
 */
char *
fw_chart_series_describe (FwChartSeries *self,
                          FwTime         from,
                          FwTime         to,
                          GTimeZone     *tz)
{
  FwChartSummary summary;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *min = NULL;
  g_autofree char *min_time = NULL;
  g_autofree char *max = NULL;
  g_autofree char *max_time = NULL;
  g_autofree char *latest = NULL;
  g_autofree char *latest_time = NULL;

  g_return_val_if_fail (FW_IS_CHART_SERIES (self), NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  fw_chart_series_summarize (self, from, to, &summary);
  start = fw_time_axis_format_time (from, 0, tz);
  end = fw_time_axis_format_time (to, 0, tz);

  if (summary.count == 0)
    /* Translators: a chart described to a screen reader: the series, and
     * the start and end of the range shown */
    return g_strdup_printf (_("%s from %s to %s: no readings"), self->label, start, end);

  min = fw_format_value_with_unit (self->parameter, summary.min);
  min_time = fw_time_axis_format_time (summary.min_time, self->span, tz);
  max = fw_format_value_with_unit (self->parameter, summary.max);
  max_time = fw_time_axis_format_time (summary.max_time, self->span, tz);
  latest = fw_format_value_with_unit (self->parameter, summary.latest);
  latest_time = fw_time_axis_format_time (summary.latest_time, self->span, tz);

  /* Translators: a chart described to a screen reader: the series, the
   * range shown, the lowest and highest values with their times, the
   * latest value and its time, and the trend ("Rising", "Steady"…) */
  return g_strdup_printf (_("%s from %s to %s: lowest %s on %s, highest %s on %s, latest %s on %s. %s."),
                          self->label, start, end, min, min_time, max, max_time,
                          latest, latest_time, fw_trend_get_label (summary.trend));
}

typedef struct
{
  FwCache *cache;
  gint64   sensor_id;
  FwSpan   span;
  FwTime   from;
  FwTime   to;
  FwTime   now;
  guint    invalidations;   /* the series' count when the read was planned */
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->cache);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

/* Plans a load for showing [@from, @to) on @n_pixels; %NULL when the
 * series holds all of it already. */
static Load *
plan (FwChartSeries *self,
      FwCache       *cache,
      FwTime         from,
      FwTime         to,
      guint          n_pixels,
      FwTime         now)
{
  FwSpan span = fw_span_for_range (from, to, n_pixels);
  Load load = { NULL, self->sensor_id, span, 0, 0, now, self->invalidations };

  if (!fw_chart_series_plan_load (self, from, to, span, now, &load.from, &load.to))
    return NULL;

  load.cache = g_object_ref (cache);
  return g_memdup2 (&load, sizeof load);
}

/**
 * fw_chart_series_load:
 * @n_pixels: how wide the chart draws the range
 *
 * Reads from @cache what the series lacks to show [@from, @to) at the
 * resolution its width needs. Blocks: the app uses
 * fw_chart_series_load_async().
 *
 * Returns: %TRUE on success, whether or not anything had to be read
 */
gboolean
fw_chart_series_load (FwChartSeries  *self,
                      FwCache        *cache,
                      FwTime          from,
                      FwTime          to,
                      guint           n_pixels,
                      FwTime          now,
                      GError        **error)
{
  g_autoptr(Load) load = NULL;
  g_autoptr(GArray) buckets = NULL;

  g_return_val_if_fail (FW_IS_CHART_SERIES (self), FALSE);
  g_return_val_if_fail (FW_IS_CACHE (cache), FALSE);

  load = plan (self, cache, from, to, n_pixels, now);
  if (load == NULL)
    return TRUE;

  buckets = fw_cache_get_buckets (cache, load->sensor_id, load->from, load->to, load->span, error);
  if (buckets == NULL)
    return FALSE;

  fw_chart_series_add_buckets (self, load->span, load->from, load->to, load->now,
                               (FwBucket *) (gpointer) buckets->data, buckets->len);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  GError *error = NULL;
  GArray *buckets;

  if (g_task_return_error_if_cancelled (task))
    return;

  buckets = fw_cache_get_buckets (load->cache, load->sensor_id, load->from, load->to,
                                  load->span, &error);
  if (buckets == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, buckets, (GDestroyNotify) g_array_unref);
}

/**
 * fw_chart_series_load_async:
 *
 * Like fw_chart_series_load(), with the query in a worker thread. The
 * series changes only in fw_chart_series_load_finish(), on the caller's
 * thread.
 */
void
fw_chart_series_load_async (FwChartSeries       *self,
                            FwCache             *cache,
                            FwTime               from,
                            FwTime               to,
                            guint                n_pixels,
                            FwTime               now,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (FW_IS_CHART_SERIES (self));
  g_return_if_fail (FW_IS_CACHE (cache));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fw_chart_series_load_async);

  load = plan (self, cache, from, to, n_pixels, now);
  if (load == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * fw_chart_series_load_finish:
 *
 * Returns: %TRUE when the series took new data and should be drawn again;
 *   %FALSE with @error set on failure, or unset when nothing was needed
 */
gboolean
fw_chart_series_load_finish (FwChartSeries  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_autoptr(GArray) buckets = NULL;
  Load *load;

  g_return_val_if_fail (FW_IS_CHART_SERIES (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  buckets = g_task_propagate_pointer (G_TASK (result), error);
  if (buckets == NULL)
    return FALSE;

  load = g_task_get_task_data (G_TASK (result));
  fw_chart_series_add_buckets (self, load->span, load->from, load->to, load->now,
                               (FwBucket *) (gpointer) buckets->data, buckets->len);

  /* Read before the cache said it held more: what it read from then on
   * may be old, and is read again. */
  if (load->invalidations != self->invalidations && self->loaded_to > self->invalid_from)
    self->loaded_to = MAX (self->invalid_from, self->loaded_from);

  return TRUE;
}

/**
 * fw_chart_csv_get_header:
 *
 * Returns: the first line of the CSV that fw_chart_series_append_csv()
 *   writes rows for
 */
const char *
fw_chart_csv_get_header (void)
{
  return "time,series,parameter,unit,mean,min,max,readings\r\n";
}

/**
 * fw_chart_series_append_csv:
 * @csv: where the rows go, after fw_chart_csv_get_header()
 *
 * Writes what the series holds in [@from, @to) as CSV rows (RFC 4180): one
 * per reading, or per hour or day where the chart shows summaries, with
 * the time in ISO 8601 in @tz, and a decimal point whatever the locale.
 */
void
fw_chart_series_append_csv (FwChartSeries *self,
                            FwTime         from,
                            FwTime         to,
                            GTimeZone     *tz,
                            GString       *csv)
{
  const FwParameterInfo *info;

  g_return_if_fail (FW_IS_CHART_SERIES (self));
  g_return_if_fail (tz != NULL && csv != NULL);

  info = fw_parameter_get_info (self->parameter);

  for (guint i = lower_bound (self->buckets, from - self->span / 2); i < self->buckets->len; i++)
    {
      const FwBucket *bucket = &g_array_index (self->buckets, FwBucket, i);
      g_autoptr(GDateTime) utc = NULL;
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *time = NULL;

      if (bucket_time (self, bucket) < from)
        continue;
      if (bucket_time (self, bucket) >= to)
        break;

      utc = g_date_time_new_from_unix_utc (bucket->time);
      local = g_date_time_to_timezone (utc, tz);
      time = g_date_time_format_iso8601 (local);

      g_string_append (csv, time);
      g_string_append_c (csv, ',');
      fw_csv_append_field (csv, self->label);
      g_string_append_c (csv, ',');
      g_string_append (csv, info->id);
      g_string_append_c (csv, ',');
      fw_csv_append_field (csv, info->unit);
      g_string_append_c (csv, ',');
      fw_csv_append_number (csv, bucket->sum / bucket->count, info->digits + 2);
      g_string_append_c (csv, ',');
      fw_csv_append_number (csv, bucket->min, info->digits + 2);
      g_string_append_c (csv, ',');
      fw_csv_append_number (csv, bucket->max, info->digits + 2);
      g_string_append_printf (csv, ",%" G_GINT64_FORMAT, bucket->count);
      fw_csv_end_row (csv);
    }
}
