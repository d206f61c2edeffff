/* fw-range-bar.c — the range presets, dates, zoom and export above charts
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bar works on the FwTimeRange its page shares with its charts. A
 * preset button is pressed while the range is that preset (the last so
 * many hours, up to now); zooming or panning a chart releases it. The
 * export menu activates "charts.export", which the page provides.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fw-range-bar.h"

#define ALL_HISTORY (-1)

struct _FwRangeBar
{
  GtkBox           parent_instance;

  FwTimeRange     *range;
  GTimeZone       *timezone;
  FwTime           earliest;
  gboolean         updating;

  GtkToggleButton *preset_6h;
  GtkToggleButton *preset_24h;
  GtkToggleButton *preset_7d;
  GtkToggleButton *preset_30d;
  GtkToggleButton *preset_1y;
  GtkToggleButton *preset_all;
  GtkDropDown     *preset_dropdown;
  GtkPopover      *custom_popover;
  GtkCalendar     *from_calendar;
  GtkCalendar     *to_calendar;
  GtkLabel        *custom_error;
  GtkLabel        *range_label;
};

G_DEFINE_FINAL_TYPE (FwRangeBar, fw_range_bar, GTK_TYPE_BOX)

typedef struct
{
  gsize  offset;   /* of the button in FwRangeBar */
  FwTime span;
} Preset;

static const Preset presets[] = {
  { G_STRUCT_OFFSET (FwRangeBar, preset_6h), 6 * 3600 },
  { G_STRUCT_OFFSET (FwRangeBar, preset_24h), 86400 },
  { G_STRUCT_OFFSET (FwRangeBar, preset_7d), 7 * 86400 },
  { G_STRUCT_OFFSET (FwRangeBar, preset_30d), 30 * 86400 },
  { G_STRUCT_OFFSET (FwRangeBar, preset_1y), 365 * 86400 },
  { G_STRUCT_OFFSET (FwRangeBar, preset_all), ALL_HISTORY },
};

static GtkToggleButton *
preset_button (FwRangeBar   *self,
               const Preset *preset)
{
  return G_STRUCT_MEMBER (GtkToggleButton *, self, preset->offset);
}

/* The span "All" stands for: from the first reading to now. */
static FwTime
all_span (FwRangeBar *self)
{
  FwTime now = fw_time_range_get_now (self->range);

  if (self->earliest <= 0 || self->earliest >= now)
    return 365 * 86400;
  /* The range ends a fortieth of its span after now (FwTimeRange), and
   * must still begin at the first reading. */
  return (now - self->earliest) * 40 / 39 + 1;
}

/* Short enough for the bar: no weekday, and the year only when the range
 * is long enough to need it. */
static char *
format_moment (FwRangeBar *self,
               FwTime      time,
               FwTime      span)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->timezone);

  if (span > 300 * 86400)
    /* TRANSLATORS: an end of a long chart range, a g_date_time_format() format */
    return g_date_time_format (local, C_("chart range", "%-d %b %Y"));
  if (span > 3 * 86400)
    /* TRANSLATORS: an end of a chart range of weeks or months */
    return g_date_time_format (local, C_("chart range", "%-d %b"));

  /* TRANSLATORS: an end of a chart range of hours or days */
  return g_date_time_format (local, C_("chart range", "%-d %b %H:%M"));
}

static void
sync_buttons (FwRangeBar *self)
{
  FwTime span = fw_time_range_get_span (self->range);
  gboolean follows = fw_time_range_follows_now (self->range);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *text = NULL;

  guint shown = G_N_ELEMENTS (presets);   /* "Other Range" */

  self->updating = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      FwTime preset_span = presets[i].span == ALL_HISTORY ? all_span (self) : presets[i].span;
      gboolean active = shown == G_N_ELEMENTS (presets) && follows &&
                        ABS (span - preset_span) <= preset_span / 50;

      gtk_toggle_button_set_active (preset_button (self, &presets[i]), active);
      if (active)
        shown = i;
    }
  gtk_drop_down_set_selected (self->preset_dropdown, shown);

  self->updating = FALSE;

  if (self->timezone == NULL)
    return;

  from = format_moment (self, fw_time_range_get_from (self->range), span);
  to = format_moment (self, fw_time_range_get_to (self->range), span);
  /* TRANSLATORS: the range a chart shows: its first and last moments */
  text = g_strdup_printf (_("%s – %s"), from, to);
  gtk_label_set_label (self->range_label, text);
}

static void
on_range_changed_cb (FwRangeBar *self)
{
  sync_buttons (self);
}

/**
 * fw_range_bar_show_preset:
 * @span: how far back from now to show, or -1 for all history
 */
void
fw_range_bar_show_preset (FwRangeBar *self,
                          FwTime      span)
{
  g_return_if_fail (FW_IS_RANGE_BAR (self));

  if (self->range == NULL)
    return;

  fw_time_range_show_last (self->range, span == ALL_HISTORY ? all_span (self) : span);
}

static void
on_preset_toggled_cb (FwRangeBar      *self,
                      GtkToggleButton *button)
{
  if (self->updating || self->range == NULL || !gtk_toggle_button_get_active (button))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (preset_button (self, &presets[i]) == button)
      fw_range_bar_show_preset (self, presets[i].span);
}

/* The narrow bar's list of the same presets. */
static void
on_preset_selected_cb (FwRangeBar *self)
{
  guint selected = gtk_drop_down_get_selected (self->preset_dropdown);

  if (self->updating || self->range == NULL || selected >= G_N_ELEMENTS (presets))
    return;

  fw_range_bar_show_preset (self, presets[selected].span);
}

static GDateTime *
local_date_time (FwRangeBar *self,
                 FwTime      time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);

  return g_date_time_to_timezone (utc, self->timezone);
}

static void
on_custom_popover_show_cb (FwRangeBar *self)
{
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;

  if (self->range == NULL || self->timezone == NULL)
    return;

  from = local_date_time (self, fw_time_range_get_from (self->range));
  to = local_date_time (self, fw_time_range_get_to (self->range) - 1);
  gtk_calendar_select_day (self->from_calendar, from);
  gtk_calendar_select_day (self->to_calendar, to);
  gtk_widget_set_visible (GTK_WIDGET (self->custom_error), FALSE);
}

/* Local midnight at the start of the day @calendar shows. */
static FwTime
calendar_midnight (FwRangeBar  *self,
                   GtkCalendar *calendar,
                   int          add_days)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);
  g_autoptr(GDateTime) midnight = g_date_time_new (self->timezone,
                                                   g_date_time_get_year (day),
                                                   g_date_time_get_month (day),
                                                   g_date_time_get_day_of_month (day),
                                                   0, 0, 0);
  g_autoptr(GDateTime) later = g_date_time_add_days (midnight, add_days);

  return g_date_time_to_unix (later);
}

static void
on_custom_apply_cb (FwRangeBar *self)
{
  FwTime from, to;
  const char *problem = NULL;

  if (self->range == NULL || self->timezone == NULL)
    return;

  from = calendar_midnight (self, self->from_calendar, 0);
  to = calendar_midnight (self, self->to_calendar, 1);

  if (to <= from)
    problem = _("The last day comes before the first. Choose a last day on or after the first.");
  else if (from > fw_time_range_get_now (self->range))
    problem = _("The first day is in the future, which has no readings yet.");

  if (problem != NULL)
    {
      gtk_label_set_label (self->custom_error, problem);
      gtk_widget_set_visible (GTK_WIDGET (self->custom_error), TRUE);
      return;
    }

  /* A last day of today ends now, not at midnight to come. */
  fw_time_range_set (self->range, from, MIN (to, fw_time_range_get_now (self->range)));
  gtk_popover_popdown (self->custom_popover);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FwRangeBar *self = FW_RANGE_BAR (widget);

  if (self->range != NULL)
    fw_time_range_zoom (self->range, g_variant_get_double (parameter),
                        fw_time_range_get_from (self->range) + fw_time_range_get_span (self->range) / 2);
}

FwTimeRange *
fw_range_bar_get_range (FwRangeBar *self)
{
  g_return_val_if_fail (FW_IS_RANGE_BAR (self), NULL);

  return self->range;
}

void
fw_range_bar_set_range (FwRangeBar  *self,
                        FwTimeRange *range)
{
  g_return_if_fail (FW_IS_RANGE_BAR (self));
  g_return_if_fail (FW_IS_TIME_RANGE (range));

  if (self->range == range)
    return;

  if (self->range != NULL)
    g_signal_handlers_disconnect_by_func (self->range, on_range_changed_cb, self);
  g_set_object (&self->range, range);
  g_signal_connect_object (range, "changed", G_CALLBACK (on_range_changed_cb), self, G_CONNECT_SWAPPED);

  sync_buttons (self);
}

void
fw_range_bar_set_timezone (FwRangeBar *self,
                           GTimeZone  *timezone)
{
  g_return_if_fail (FW_IS_RANGE_BAR (self));
  g_return_if_fail (timezone != NULL);

  g_clear_pointer (&self->timezone, g_time_zone_unref);
  self->timezone = g_time_zone_ref (timezone);

  if (self->range != NULL)
    sync_buttons (self);
}

/**
 * fw_range_bar_set_earliest:
 * @earliest: the first reading of what the charts show, for "All"
 */
void
fw_range_bar_set_earliest (FwRangeBar *self,
                           FwTime      earliest)
{
  g_return_if_fail (FW_IS_RANGE_BAR (self));

  self->earliest = earliest;
  if (self->range != NULL)
    sync_buttons (self);
}

static void
fw_range_bar_dispose (GObject *object)
{
  FwRangeBar *self = FW_RANGE_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_RANGE_BAR);

  if (self->range != NULL)
    g_signal_handlers_disconnect_by_func (self->range, on_range_changed_cb, self);
  g_clear_object (&self->range);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_range_bar_parent_class)->dispose (object);
}

static void
fw_range_bar_class_init (FwRangeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_range_bar_dispose;

  gtk_widget_class_install_action (widget_class, "range-bar.zoom", "d", zoom_action);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-range-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_6h);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_24h);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_7d);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_30d);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_1y);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_all);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, custom_popover);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, custom_error);
  gtk_widget_class_bind_template_child (widget_class, FwRangeBar, range_label);
  gtk_widget_class_bind_template_callback (widget_class, on_preset_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_custom_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_custom_apply_cb);
}

static void
fw_range_bar_init (FwRangeBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->preset_dropdown, "notify::selected",
                            G_CALLBACK (on_preset_selected_cb), self);
}

/**
 * fw_range_bar_get_label:
 *
 * Returns: the range as the bar shows it, for headings
 */
const char *
fw_range_bar_get_label (FwRangeBar *self)
{
  g_return_val_if_fail (FW_IS_RANGE_BAR (self), NULL);

  return gtk_label_get_label (self->range_label);
}
