/* fw-compare-page.c — one parameter across the units of a farm
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One chart, one line per chosen unit: the morning oxygen of every pond
 * side by side. The units that have a sensor for the parameter are found
 * off the main thread; the first few are chosen to begin with, and the
 * choice is kept while the page stays on the same parameter.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "fw-app-util.h"
#include "fw-chart-export.h"
#include "fw-chart-group.h"
#include "fw-compare-page.h"
#include "fw-range-bar.h"

/* More lines than this at first would be a tangle; more can be chosen. */
#define FIRST_CHOSEN 6

typedef struct
{
  char   *unit_uuid;
  char   *unit_name;
  gint64  sensor_id;
  guint   interval;
} Candidate;

struct _FwComparePage
{
  GtkBox          parent_instance;

  FwCache        *cache;
  GListModel     *units;
  GTimeZone      *timezone;
  FwChartGroup   *group;
  GPtrArray      *candidates;    /* Candidate */
  GHashTable     *chosen;        /* unit uuid → unit uuid */
  GPtrArray      *rules;         /* FwAlertRule */
  FwParameter     parameter;
  GCancellable   *cancellable;
  gboolean        listing;

  AdwWindowTitle *title;
  GtkDropDown    *parameter_dropdown;
  GtkBox         *units_box;
  GtkSpinner     *spinner;
  FwRangeBar     *range_bar;
  GtkStack       *stack;
  FwChart        *chart;
  GtkFlowBox     *legend;
  AdwStatusPage  *empty_page;
};

G_DEFINE_FINAL_TYPE (FwComparePage, fw_compare_page, FW_TYPE_PAGE)

static void
candidate_free (Candidate *candidate)
{
  g_free (candidate->unit_uuid);
  g_free (candidate->unit_name);
  g_free (candidate);
}

static void
update_spinner (FwComparePage *self)
{
  gboolean loading = self->listing || fw_chart_group_get_loading (self->group);

  fw_spinner_set_active (self->spinner, loading);
}

static GtkWidget *
legend_entry (const char    *name,
              const GdkRGBA *color)
{
  g_autofree char *markup = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *label = gtk_label_new (name);

  markup = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span>",
                            (int) (color->red * 255), (int) (color->green * 255), (int) (color->blue * 255));
  gtk_label_set_markup (GTK_LABEL (dot), markup);
  gtk_accessible_update_state (GTK_ACCESSIBLE (dot), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);

  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

static gboolean
same_limit (double a,
            double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

/* The bands are the chosen units' alert limits when they all share them;
 * units of different species or rules have none in common to draw. */
static void
set_limits (FwComparePage *self)
{
  gboolean first = TRUE, shared = TRUE;
  FwLimits limits = { NAN, NAN, NAN, NAN };

  if (self->chart == NULL || self->chosen == NULL)
    return;

  for (guint i = 0; self->units != NULL && i < g_list_model_get_n_items (self->units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (self->units, i);
      FwAlertSettings settings;
      const FwLimits *l = &settings.limits;

      if (!g_hash_table_contains (self->chosen, fw_record_get_uuid (FW_RECORD (unit))))
        continue;

      fw_alert_rules_resolve (self->rules, fw_record_get_uuid (FW_RECORD (unit)),
                              fw_unit_get_species (unit), self->parameter, &settings);
      if (first)
        limits = *l;
      else if (!same_limit (l->critical_low, limits.critical_low) ||
               !same_limit (l->warning_low, limits.warning_low) ||
               !same_limit (l->warning_high, limits.warning_high) ||
               !same_limit (l->critical_high, limits.critical_high))
        shared = FALSE;
      first = FALSE;
    }

  if (first)
    fw_parameter_get_limits (self->parameter, &limits);

  if (shared)
    fw_chart_set_limits (self->chart, &limits);
  else
    fw_chart_clear_limits (self->chart);
}

/**
 * fw_compare_page_set_rules:
 * @rules: (nullable) (element-type FwAlertRule): the farm's alert rules
 */
void
fw_compare_page_set_rules (FwComparePage *self,
                           GPtrArray     *rules)
{
  g_return_if_fail (FW_IS_COMPARE_PAGE (self));

  if (rules != NULL)
    g_ptr_array_ref (rules);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  self->rules = rules;
  set_limits (self);
}

/* The chart's series follow the chosen units, in the farm's order. */
static void
rebuild_series (FwComparePage *self)
{
  const FwParameterInfo *info = fw_parameter_get_info (self->parameter);
  g_autofree char *title = NULL;
  GtkWidget *child;
  guint n = 0;

  fw_chart_group_remove_all (self->group);
  fw_chart_remove_all_series (self->chart);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend))) != NULL)
    gtk_flow_box_remove (self->legend, child);

  for (guint i = 0; i < self->candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (self->candidates, i);
      g_autoptr(FwChartSeries) series = NULL;

      if (!g_hash_table_contains (self->chosen, candidate->unit_uuid))
        continue;

      series = fw_chart_series_new (candidate->sensor_id, self->parameter,
                                    candidate->unit_name, candidate->interval);
      fw_chart_add_series (self->chart, series);
      gtk_flow_box_append (self->legend, legend_entry (candidate->unit_name, fw_chart_get_series_color (n++)));
    }

  if (*info->unit != '\0')
    title = g_strdup_printf (_("%s · %s"), fw_parameter_get_label (self->parameter), info->unit);
  else
    title = g_strdup (fw_parameter_get_label (self->parameter));
  fw_chart_set_title (self->chart, title);
  set_limits (self);
  adw_window_title_set_subtitle (self->title, fw_parameter_get_label (self->parameter));

  if (self->candidates->len == 0)
    {
      g_autofree char *text = g_strdup_printf (_("No unit of this farm has a sensor for %s"),
                                               fw_parameter_get_label (self->parameter));

      adw_status_page_set_description (self->empty_page, text);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (n == 0)
    {
      adw_status_page_set_description (self->empty_page, _("Choose the units to compare with the Units button"));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "chart");
  fw_chart_group_add_chart (self->group, self->chart);
  fw_chart_group_refresh (self->group, fw_now ());
}

static void
on_unit_toggled_cb (GtkCheckButton *check,
                    FwComparePage  *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (check), "unit-uuid");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->chosen, g_strdup (uuid));
  else
    g_hash_table_remove (self->chosen, uuid);

  rebuild_series (self);
}

static void
rebuild_unit_choices (FwComparePage *self)
{
  fw_box_remove_all (self->units_box);

  for (guint i = 0; i < self->candidates->len; i++)
    {
      Candidate *candidate = g_ptr_array_index (self->candidates, i);
      GtkWidget *check = gtk_check_button_new_with_label (candidate->unit_name);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_hash_table_contains (self->chosen, candidate->unit_uuid));
      g_object_set_data_full (G_OBJECT (check), "unit-uuid", g_strdup (candidate->unit_uuid), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (on_unit_toggled_cb), self);
      gtk_box_append (self->units_box, check);
    }
}

typedef struct
{
  FwCache     *cache;
  GPtrArray   *units;        /* FwUnit */
  FwParameter  parameter;
  FwTime       now;
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_object (&listing->cache);
  g_clear_pointer (&listing->units, g_ptr_array_unref);
  g_free (listing);
}

static void
list_candidates_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Listing *listing = task_data;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);

  for (guint i = 0; i < listing->units->len; i++)
    {
      FwUnit *unit = g_ptr_array_index (listing->units, i);
      g_autoptr(GPtrArray) sensors = NULL;
      GError *error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;

      sensors = fw_cache_list_sensors (listing->cache, fw_record_get_id (FW_RECORD (unit)),
                                       listing->now, &error);
      if (sensors == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      for (guint s = 0; s < sensors->len; s++)
        {
          FwSensor *sensor = g_ptr_array_index (sensors, s);
          Candidate *candidate;

          if (fw_sensor_get_parameter (sensor) != listing->parameter)
            continue;

          /* One line per unit: its first sensor of the kind. */
          candidate = g_new0 (Candidate, 1);
          candidate->unit_uuid = g_strdup (fw_record_get_uuid (FW_RECORD (unit)));
          candidate->unit_name = g_strdup (fw_unit_get_name (unit));
          candidate->sensor_id = fw_record_get_id (FW_RECORD (sensor));
          candidate->interval = fw_sensor_get_interval (sensor);
          g_ptr_array_add (candidates, candidate);
          break;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&candidates), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_candidates_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FwComparePage *self = FW_COMPARE_PAGE (source);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  gboolean fresh = GPOINTER_TO_UINT (user_data);

  candidates = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->listing = FALSE;
  update_spinner (self);

  if (candidates == NULL)
    {
      fw_widget_add_toast (GTK_WIDGET (self), error->message);
      return;
    }

  g_ptr_array_unref (self->candidates);
  self->candidates = g_steal_pointer (&candidates);

  /* Another farm's units, or none of the chosen left: start afresh. */
  if (!fresh)
    {
      fresh = TRUE;
      for (guint i = 0; i < self->candidates->len; i++)
        if (g_hash_table_contains (self->chosen, ((Candidate *) g_ptr_array_index (self->candidates, i))->unit_uuid))
          fresh = FALSE;
    }

  if (fresh)
    {
      g_hash_table_remove_all (self->chosen);
      for (guint i = 0; i < MIN (self->candidates->len, FIRST_CHOSEN); i++)
        {
          Candidate *candidate = g_ptr_array_index (self->candidates, i);

          g_hash_table_add (self->chosen, g_strdup (candidate->unit_uuid));
        }
    }

  rebuild_unit_choices (self);
  rebuild_series (self);
}

/* Finds the units with a sensor for the parameter; @fresh chooses the
 * first few of them again, as for a new parameter. */
static void
list_candidates (FwComparePage *self,
                 gboolean       fresh)
{
  g_autoptr(GTask) task = NULL;
  Listing *listing;

  if (self->cache == NULL || self->units == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  listing = g_new0 (Listing, 1);
  listing->cache = g_object_ref (self->cache);
  listing->units = g_ptr_array_new_with_free_func (g_object_unref);
  listing->parameter = self->parameter;
  listing->now = fw_now ();
  for (guint i = 0; i < g_list_model_get_n_items (self->units); i++)
    g_ptr_array_add (listing->units, g_list_model_get_item (self->units, i));

  self->listing = TRUE;
  update_spinner (self);

  task = g_task_new (self, self->cancellable, on_candidates_cb, GUINT_TO_POINTER (fresh));
  g_task_set_task_data (task, listing, (GDestroyNotify) listing_free);
  g_task_run_in_thread (task, list_candidates_thread);
}

static void
on_parameter_selected_cb (FwComparePage *self)
{
  guint selected = gtk_drop_down_get_selected (self->parameter_dropdown);

  if (selected >= FW_N_PARAMETERS || selected == (guint) self->parameter)
    return;

  self->parameter = selected;
  list_candidates (self, TRUE);
}

/**
 * fw_compare_page_show:
 * @units: (element-type FwUnit): the farm's units
 * @timezone: the farm's zone
 *
 * Shows the chosen parameter across @units, finding again which of them
 * have a sensor for it.
 */
void
fw_compare_page_show (FwComparePage *self,
                      FwCache       *cache,
                      GListModel    *units,
                      GTimeZone     *timezone)
{
  gboolean same = self->units == units && self->cache == cache;

  g_return_if_fail (FW_IS_COMPARE_PAGE (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (G_IS_LIST_MODEL (units));
  g_return_if_fail (timezone != NULL);

  g_set_object (&self->cache, cache);
  g_set_object (&self->units, units);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  self->timezone = g_time_zone_ref (timezone);

  fw_chart_group_set_cache (self->group, cache);
  fw_chart_set_timezone (self->chart, timezone);
  fw_range_bar_set_timezone (self->range_bar, timezone);

  list_candidates (self, !same || g_hash_table_size (self->chosen) == 0);
}

/**
 * fw_compare_page_refresh:
 *
 * Brings new readings into view, if the page is on screen.
 */
void
fw_compare_page_refresh (FwComparePage *self,
                         FwTime         now)
{
  g_return_if_fail (FW_IS_COMPARE_PAGE (self));

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fw_chart_group_refresh (self->group, now);
}

gboolean
fw_compare_page_get_loading (FwComparePage *self)
{
  g_return_val_if_fail (FW_IS_COMPARE_PAGE (self), FALSE);

  return self->listing || fw_chart_group_get_loading (self->group);
}

/**
 * fw_compare_page_get_chart:
 *
 * Returns: (transfer none): the chart
 */
GtkWidget *
fw_compare_page_get_chart (FwComparePage *self)
{
  g_return_val_if_fail (FW_IS_COMPARE_PAGE (self), NULL);

  return GTK_WIDGET (self->chart);
}

static void
on_earliest_cb (FwComparePage *self)
{
  fw_range_bar_set_earliest (self->range_bar, fw_chart_group_get_earliest (self->group));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwComparePage *self = FW_COMPARE_PAGE (widget);
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  FwChartExportFormat format;

  if (!fw_chart_export_format_from_string (g_variant_get_string (parameter, NULL), &format))
    return;

  /* TRANSLATORS: the suggested name of an exported comparison chart */
  name = g_strdup_printf (_("%s compared"), fw_parameter_get_label (self->parameter));
  title = g_strdup_printf (_("%s, %s"), name, fw_range_bar_get_label (self->range_bar));
  fw_chart_export_run (widget, fw_chart_group_get_charts (self->group), format, name, title);
}

static void
fw_compare_page_dispose (GObject *object)
{
  FwComparePage *self = FW_COMPARE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_COMPARE_PAGE);

  g_clear_object (&self->group);
  g_clear_object (&self->cache);
  g_clear_object (&self->units);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->chosen, g_hash_table_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);

  G_OBJECT_CLASS (fw_compare_page_parent_class)->dispose (object);
}

static void
fw_compare_page_class_init (FwComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_compare_page_dispose;
  gtk_widget_class_install_action (widget_class, "charts.export", "s", export_action);

  g_type_ensure (FW_TYPE_CHART);
  g_type_ensure (FW_TYPE_RANGE_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-compare-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, title);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, parameter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, units_box);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, range_bar);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, stack);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, chart);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, legend);
  gtk_widget_class_bind_template_child (widget_class, FwComparePage, empty_page);
}

static void
fw_compare_page_init (FwComparePage *self)
{
  g_autoptr(GtkStringList) parameters = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->parameter = FW_PARAMETER_DISSOLVED_OXYGEN;
  self->group = fw_chart_group_new ();
  fw_range_bar_set_range (self->range_bar, fw_chart_group_get_range (self->group));

  for (guint i = 0; i < FW_N_PARAMETERS; i++)
    gtk_string_list_append (parameters, fw_parameter_get_label (i));
  gtk_drop_down_set_model (self->parameter_dropdown, G_LIST_MODEL (parameters));
  gtk_drop_down_set_selected (self->parameter_dropdown, self->parameter);
  g_signal_connect_swapped (self->parameter_dropdown, "notify::selected",
                            G_CALLBACK (on_parameter_selected_cb), self);

  g_signal_connect_object (self->group, "notify::loading", G_CALLBACK (update_spinner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->group, "notify::earliest", G_CALLBACK (on_earliest_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->group, "failed", G_CALLBACK (fw_widget_add_toast), self, G_CONNECT_SWAPPED);
}
