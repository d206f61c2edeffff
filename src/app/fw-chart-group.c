/* fw-chart-group.c — charts that share a range, and their data loading
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A page's charts share one FwTimeRange. When it changes, the group asks
 * each series for what it lacks at the resolution its chart's width needs
 * and reads that in worker threads. Changes that come while reads are
 * under way (a drag pans many times a second) are gathered into one more
 * round when they finish, so the newest range is always the one read and
 * reads never pile up.
 *
 * refresh() is the live part: the present moves on, a range that showed it
 * slides along, and the last stretch is read again for what the sync
 * brought.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-chart-group.h"

/* Readings may arrive late: this much before the last refresh is read
 * again on the next. */
#define LATE_READINGS 3600

struct _FwChartGroup
{
  GObject       parent_instance;

  FwTimeRange  *range;
  FwCache      *cache;
  GPtrArray    *charts;
  GCancellable *cancellable;
  guint         n_loading;
  gboolean      again;
  FwTime        refreshed;
  FwTime        earliest;
};

G_DEFINE_FINAL_TYPE (FwChartGroup, fw_chart_group, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_EARLIEST,
  N_PROPS
};

enum {
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  FwChartGroup *group;
  FwChart      *chart;
} Loading;

static void
set_n_loading (FwChartGroup *self,
               guint         n_loading)
{
  gboolean was = self->n_loading > 0;

  self->n_loading = n_loading;
  if (was != (n_loading > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_series_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Loading *loading = user_data;
  g_autoptr(FwChartGroup) self = loading->group;
  g_autoptr(FwChart) chart = loading->chart;
  g_autoptr(GError) error = NULL;

  g_free (loading);

  if (fw_chart_series_load_finish (FW_CHART_SERIES (source), result, &error))
    fw_chart_data_changed (chart);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[FAILED], 0, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_n_loading (self, self->n_loading - 1);
  if (self->n_loading == 0 && self->again)
    fw_chart_group_load (self);
}

/**
 * fw_chart_group_load:
 *
 * Reads what the charts lack for the range they show, off the main thread.
 */
void
fw_chart_group_load (FwChartGroup *self)
{
  FwTime from, to, now;

  g_return_if_fail (FW_IS_CHART_GROUP (self));

  if (self->cache == NULL)
    return;

  if (self->n_loading > 0)
    {
      self->again = TRUE;
      return;
    }

  self->again = FALSE;
  from = fw_time_range_get_from (self->range);
  to = fw_time_range_get_to (self->range);
  now = fw_time_range_get_now (self->range);

  for (guint i = 0; i < self->charts->len; i++)
    {
      FwChart *chart = g_ptr_array_index (self->charts, i);

      for (guint s = 0; s < fw_chart_get_n_series (chart); s++)
        {
          Loading *loading = g_new (Loading, 1);

          loading->group = g_object_ref (self);
          loading->chart = g_object_ref (chart);
          set_n_loading (self, self->n_loading + 1);
          fw_chart_series_load_async (fw_chart_get_series (chart, s), self->cache,
                                      from, to, fw_chart_get_plot_width (chart), now,
                                      self->cancellable, on_series_loaded_cb, loading);
        }
    }
}

static void
on_range_changed_cb (FwChartGroup *self)
{
  fw_chart_group_load (self);
}

/**
 * fw_chart_group_refresh:
 *
 * Moves the present to @now and reads again what the sync may have
 * brought since the last refresh.
 */
void
fw_chart_group_refresh (FwChartGroup *self,
                        FwTime        now)
{
  g_return_if_fail (FW_IS_CHART_GROUP (self));

  for (guint i = 0; i < self->charts->len; i++)
    {
      FwChart *chart = g_ptr_array_index (self->charts, i);

      for (guint s = 0; s < fw_chart_get_n_series (chart); s++)
        fw_chart_series_invalidate_after (fw_chart_get_series (chart, s),
                                          MIN (self->refreshed, now) - LATE_READINGS);
    }

  self->refreshed = now;

  /* Sliding the range loads; a range in the past loads what changed. */
  fw_time_range_set_now (self->range, now);
  fw_chart_group_load (self);
}

typedef struct
{
  FwCache *cache;
  GArray  *sensors;
} Earliest;

static void
earliest_free (Earliest *earliest)
{
  g_clear_object (&earliest->cache);
  g_clear_pointer (&earliest->sensors, g_array_unref);
  g_free (earliest);
}

static void
earliest_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Earliest *earliest = task_data;
  FwTime result = 0;

  for (guint i = 0; i < earliest->sensors->len; i++)
    {
      GError *error = NULL;
      FwTime first;

      if (!fw_cache_get_first_time (earliest->cache, g_array_index (earliest->sensors, gint64, i),
                                    &first, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (first != 0)
        result = result == 0 ? first : MIN (result, first);
    }

  g_task_return_pointer (task, g_memdup2 (&result, sizeof result), g_free);
}

static void
on_earliest_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FwChartGroup *self = FW_CHART_GROUP (source);
  g_autoptr(GError) error = NULL;
  g_autofree FwTime *earliest = g_task_propagate_pointer (G_TASK (result), &error);

  if (earliest == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }

  self->earliest = *earliest;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EARLIEST]);
}

static void
update_earliest (FwChartGroup *self)
{
  g_autoptr(GTask) task = NULL;
  Earliest *earliest;

  if (self->cache == NULL)
    return;

  earliest = g_new0 (Earliest, 1);
  earliest->cache = g_object_ref (self->cache);
  earliest->sensors = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < self->charts->len; i++)
    {
      FwChart *chart = g_ptr_array_index (self->charts, i);

      for (guint s = 0; s < fw_chart_get_n_series (chart); s++)
        {
          gint64 id = fw_chart_series_get_sensor_id (fw_chart_get_series (chart, s));

          g_array_append_val (earliest->sensors, id);
        }
    }

  task = g_task_new (self, self->cancellable, on_earliest_cb, NULL);
  g_task_set_task_data (task, earliest, (GDestroyNotify) earliest_free);
  g_task_run_in_thread (task, earliest_thread);
}

FwChartGroup *
fw_chart_group_new (void)
{
  return g_object_new (FW_TYPE_CHART_GROUP, NULL);
}

/**
 * fw_chart_group_get_range:
 *
 * Returns: (transfer none): the range the charts share
 */
FwTimeRange *
fw_chart_group_get_range (FwChartGroup *self)
{
  g_return_val_if_fail (FW_IS_CHART_GROUP (self), NULL);

  return self->range;
}

void
fw_chart_group_set_cache (FwChartGroup *self,
                          FwCache      *cache)
{
  g_return_if_fail (FW_IS_CHART_GROUP (self));
  g_return_if_fail (FW_IS_CACHE (cache));

  g_set_object (&self->cache, cache);
}

/* Adding or removing charts starts afresh: what was being read is for
 * charts no longer there. */
static void
restart (FwChartGroup *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_n_loading (self, 0);
  self->again = FALSE;
}

void
fw_chart_group_add_chart (FwChartGroup *self,
                          FwChart      *chart)
{
  g_return_if_fail (FW_IS_CHART_GROUP (self));
  g_return_if_fail (FW_IS_CHART (chart));

  restart (self);
  g_ptr_array_add (self->charts, g_object_ref (chart));
  fw_chart_set_range (chart, self->range);
  /* A wider chart may need finer data. */
  g_signal_connect_object (chart, "notify::plot-width", G_CALLBACK (on_range_changed_cb), self, G_CONNECT_SWAPPED);
  update_earliest (self);
}

void
fw_chart_group_remove_all (FwChartGroup *self)
{
  g_return_if_fail (FW_IS_CHART_GROUP (self));

  restart (self);
  for (guint i = 0; i < self->charts->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->charts, i), on_range_changed_cb, self);
  g_ptr_array_set_size (self->charts, 0);
}

/**
 * fw_chart_group_get_charts:
 *
 * Returns: (transfer none) (element-type FwChart): the charts, in order
 */
GPtrArray *
fw_chart_group_get_charts (FwChartGroup *self)
{
  g_return_val_if_fail (FW_IS_CHART_GROUP (self), NULL);

  return self->charts;
}

gboolean
fw_chart_group_get_loading (FwChartGroup *self)
{
  g_return_val_if_fail (FW_IS_CHART_GROUP (self), FALSE);

  return self->n_loading > 0;
}

FwTime
fw_chart_group_get_earliest (FwChartGroup *self)
{
  g_return_val_if_fail (FW_IS_CHART_GROUP (self), 0);

  return self->earliest;
}

static void
fw_chart_group_dispose (GObject *object)
{
  FwChartGroup *self = FW_CHART_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->charts, g_ptr_array_unref);
  g_clear_object (&self->range);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (fw_chart_group_parent_class)->dispose (object);
}

static void
fw_chart_group_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FwChartGroup *self = FW_CHART_GROUP (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->n_loading > 0);
      break;

    case PROP_EARLIEST:
      g_value_set_int64 (value, self->earliest);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_chart_group_class_init (FwChartGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fw_chart_group_dispose;
  object_class->get_property = fw_chart_group_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The first reading of any chart's series, for "All History". */
  properties[PROP_EARLIEST] =
    g_param_spec_int64 ("earliest", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FwChartGroup::failed:
   * @message: what went wrong, for a toast
   */
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fw_chart_group_init (FwChartGroup *self)
{
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;

  self->charts = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->refreshed = now;
  self->range = fw_time_range_new (now - 86400, now, now);
  g_signal_connect_object (self->range, "changed", G_CALLBACK (on_range_changed_cb), self, G_CONNECT_SWAPPED);
}
