/* fw-alert-rules-dialog.c — a manager's alert limits, and maintenance
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One expander per parameter, for the whole farm or one unit: the limits,
 * how far back inside them an alert ends, how long a limit must be crossed
 * before it fires, and for dissolved oxygen the projected dawn level that
 * calls for aerators. Each opens on what applies now (the unit's rule,
 * else the farm's, else the species' defaults, whose source is named). A
 * field left empty means no such limit. Save checks everything first and
 * names the first bad field; then all changed rules are written in one
 * transaction, with a maintenance window if one was asked for, and sync
 * like any change. The server lets only managers and admins write rules.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fw-alert-rules-dialog.h"
#include "fw-alerts-page.h"
#include "fw-app-util.h"

typedef enum
{
  FIELD_CRITICAL_LOW,
  FIELD_WARNING_LOW,
  FIELD_WARNING_HIGH,
  FIELD_CRITICAL_HIGH,
  FIELD_HYSTERESIS,
  FIELD_MIN_DURATION,
  FIELD_DAWN_LIMIT,
  N_FIELDS
} Field;

static const char *const field_titles[N_FIELDS] = {
  N_("Critical below"),
  N_("Warning below"),
  N_("Warning above"),
  N_("Critical above"),
  N_("Resolves this far inside the limit"),
  N_("Minutes past a limit before firing"),
  N_("Aerators when dawn is projected below"),
};

typedef struct
{
  AdwExpanderRow *expander;
  GtkWidget      *entries[N_FIELDS];   /* AdwEntryRow; NULL where not shown */
  FwAlertSettings shown;               /* what the rows were filled with */
  gboolean        shown_enabled;
} ParameterRows;

struct _FwAlertRulesDialog
{
  AdwWindow             parent_instance;

  FwCache              *cache;
  char                 *farm_uuid;
  GListModel           *units;
  GPtrArray            *rules;
  GTimeZone            *timezone;
  ParameterRows         rows[FW_N_PARAMETERS];
  gboolean              saving;

  AdwToastOverlay      *toast_overlay;
  AdwComboRow          *scope_row;
  GtkLabel             *error_label;
  AdwPreferencesGroup  *limits_group;
  AdwComboRow          *maintenance_row;
  GtkWidget            *save_button;
};

G_DEFINE_FINAL_TYPE (FwAlertRulesDialog, fw_alert_rules_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The unit the rules are for; NULL for the whole farm (the first entry). */
static FwUnit *
scope_unit (FwAlertRulesDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->scope_row);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;

  return g_list_model_get_item (self->units, selected - 1);
}

/* The rule for @parameter at exactly this scope, if there is one. */
static FwAlertRule *
find_rule (FwAlertRulesDialog *self,
           const char         *unit_uuid,
           FwParameter         parameter)
{
  for (guint i = 0; self->rules != NULL && i < self->rules->len; i++)
    {
      FwAlertRule *rule = g_ptr_array_index (self->rules, i);
      const FwAlertRuleFields *f = fw_alert_rule_get_fields (rule);

      if (f->kind == FW_ALERT_RULE_LIMITS && f->parameter == parameter &&
          g_strcmp0 (f->unit_uuid, unit_uuid) == 0 && !fw_record_get_deleted (FW_RECORD (rule)))
        return rule;
    }

  return NULL;
}

static double
field_value (const FwAlertSettings *settings,
             Field                  field)
{
  switch (field)
    {
    case FIELD_CRITICAL_LOW:
      return settings->limits.critical_low;
    case FIELD_WARNING_LOW:
      return settings->limits.warning_low;
    case FIELD_WARNING_HIGH:
      return settings->limits.warning_high;
    case FIELD_CRITICAL_HIGH:
      return settings->limits.critical_high;
    case FIELD_HYSTERESIS:
      return settings->hysteresis;
    case FIELD_MIN_DURATION:
      return settings->min_duration / 60.0;
    case FIELD_DAWN_LIMIT:
      return settings->dawn_limit;
    case N_FIELDS:
    default:
      g_return_val_if_reached (NAN);
    }
}

static void
set_field_value (FwAlertSettings *settings,
                 Field            field,
                 double           value)
{
  switch (field)
    {
    case FIELD_CRITICAL_LOW:
      settings->limits.critical_low = value;
      break;
    case FIELD_WARNING_LOW:
      settings->limits.warning_low = value;
      break;
    case FIELD_WARNING_HIGH:
      settings->limits.warning_high = value;
      break;
    case FIELD_CRITICAL_HIGH:
      settings->limits.critical_high = value;
      break;
    case FIELD_HYSTERESIS:
      settings->hysteresis = isnan (value) ? 0 : value;
      break;
    case FIELD_MIN_DURATION:
      settings->min_duration = isnan (value) ? 0 : (FwTime) round (value * 60);
      break;
    case FIELD_DAWN_LIMIT:
      settings->dawn_limit = value;
      break;
    case N_FIELDS:
    default:
      g_return_if_reached ();
    }
}

static char *
format_field (FwParameter parameter,
              Field       field,
              double      value)
{
  if (isnan (value))
    return g_strdup ("");
  if (field == FIELD_MIN_DURATION)
    return g_strdup_printf ("%.0f", value);
  return fw_format_value (parameter, value);
}

/* A summary for the collapsed row: "Warning below 3.0, critical below 2.0". */
static char *
describe_limits (FwParameter            parameter,
                 const FwAlertSettings *settings,
                 gboolean               enabled)
{
  const FwLimits *l = &settings->limits;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const double values[] = { l->warning_low, l->critical_low, l->warning_high, l->critical_high };
  g_autofree char *joined = NULL;

  if (!enabled)
    return g_strdup (_("Off"));

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *value = NULL;

      if (isnan (values[i]))
        continue;
      value = fw_format_value_with_unit (parameter, values[i]);
      switch (i)
        {
        case 0:
          g_ptr_array_add (parts, g_strdup_printf (_("Warning below %s"), value));
          break;
        case 1:
          g_ptr_array_add (parts, g_strdup_printf (_("Critical below %s"), value));
          break;
        case 2:
          g_ptr_array_add (parts, g_strdup_printf (_("Warning above %s"), value));
          break;
        default:
          g_ptr_array_add (parts, g_strdup_printf (_("Critical above %s"), value));
          break;
        }
    }

  if (parts->len == 0)
    return g_strdup (_("Only silence and stuck sensors"));

  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (", ", (char **) parts->pdata);
  return g_steal_pointer (&joined);
}

static void
clear_errors (FwAlertRulesDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  for (guint p = 0; p < FW_N_PARAMETERS; p++)
    for (guint f = 0; f < N_FIELDS; f++)
      if (self->rows[p].entries[f] != NULL)
        gtk_widget_remove_css_class (self->rows[p].entries[f], "error");
}

/* Fills every parameter's rows with what applies at the chosen scope. */
static void
fill_rows (FwAlertRulesDialog *self)
{
  g_autoptr(FwUnit) unit = scope_unit (self);
  const char *unit_uuid = unit != NULL ? fw_record_get_uuid (FW_RECORD (unit)) : NULL;
  const char *species = unit != NULL ? fw_unit_get_species (unit) : NULL;

  clear_errors (self);

  for (guint p = 0; p < FW_N_PARAMETERS; p++)
    {
      ParameterRows *rows = &self->rows[p];
      g_autofree char *summary = NULL;

      rows->shown_enabled = fw_alert_rules_resolve (self->rules, unit_uuid, species, p, &rows->shown);
      adw_expander_row_set_enable_expansion (rows->expander, rows->shown_enabled);

      for (guint f = 0; f < N_FIELDS; f++)
        {
          g_autofree char *text = NULL;

          if (rows->entries[f] == NULL)
            continue;
          text = format_field (p, f, field_value (&rows->shown, f));
          gtk_editable_set_text (GTK_EDITABLE (rows->entries[f]), text);
        }

      summary = describe_limits (p, &rows->shown, rows->shown_enabled);
      adw_expander_row_set_subtitle (rows->expander, summary);
    }

  adw_preferences_group_set_description (self->limits_group,
                                         fw_alert_settings_get_source (species));
}

static void
show_error (FwAlertRulesDialog *self,
            FwParameter         parameter,
            Field               field,
            const char         *message)
{
  ParameterRows *rows = &self->rows[parameter];
  g_autofree char *text = NULL;

  /* TRANSLATORS: what is wrong in the rule editor: the parameter, the
   * field and the problem */
  text = g_strdup_printf (_("%s, “%s”: %s"), fw_parameter_get_label (parameter),
                          _(field_titles[field]), message);
  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);

  adw_expander_row_set_expanded (rows->expander, TRUE);
  if (rows->entries[field] != NULL)
    {
      gtk_widget_add_css_class (rows->entries[field], "error");
      gtk_widget_grab_focus (rows->entries[field]);
    }
}

/* The field a settings error names, for pointing at its row. */
static Field
field_of (const char *name)
{
  static const struct {
    const char *name;
    Field       field;
  } names[] = {
    { "critical_low", FIELD_CRITICAL_LOW },
    { "warning_low", FIELD_WARNING_LOW },
    { "warning_high", FIELD_WARNING_HIGH },
    { "critical_high", FIELD_CRITICAL_HIGH },
    { "hysteresis", FIELD_HYSTERESIS },
    { "min_duration_s", FIELD_MIN_DURATION },
    { "dawn_limit", FIELD_DAWN_LIMIT },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i].name, name))
      return names[i].field;

  return FIELD_CRITICAL_LOW;
}

/* Reads one parameter's rows into @settings; FALSE with the error shown. */
static gboolean
read_rows (FwAlertRulesDialog *self,
           FwParameter         parameter,
           FwAlertSettings    *settings)
{
  ParameterRows *rows = &self->rows[parameter];
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;

  *settings = rows->shown;

  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_autofree char *text = NULL;
      double value = NAN;
      char *end;

      if (rows->entries[f] == NULL)
        continue;

      text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (rows->entries[f]))));
      g_strdelimit (text, ",", '.');
      if (*text != '\0')
        {
          value = g_ascii_strtod (text, &end);
          if (*end != '\0' || !isfinite (value))
            {
              show_error (self, parameter, f, _("is not a number"));
              return FALSE;
            }
          /* The entries show the parameter's digits; a round trip must
           * not turn an untouched field into a change. */
          {
            g_autofree char *shown = format_field (parameter, f, field_value (&rows->shown, f));

            if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (rows->entries[f])), shown) == 0)
              value = field_value (&rows->shown, f);
          }
        }
      set_field_value (settings, f, value);
    }

  if (!fw_alert_settings_validate (settings, parameter, &bad_field, &error))
    {
      const char *message = strchr (error->message, ':');

      show_error (self, parameter, field_of (bad_field), message != NULL ? message + 2 : error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
same_settings (const FwAlertSettings *a,
               const FwAlertSettings *b)
{
  const double x[] = { a->limits.critical_low, a->limits.warning_low, a->limits.warning_high,
                       a->limits.critical_high, a->hysteresis, a->dawn_limit };
  const double y[] = { b->limits.critical_low, b->limits.warning_low, b->limits.warning_high,
                       b->limits.critical_high, b->hysteresis, b->dawn_limit };

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    if (!(isnan (x[i]) && isnan (y[i])) && x[i] != y[i])
      return FALSE;

  return a->min_duration == b->min_duration;
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FwAlertRulesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  gtk_widget_set_sensitive (self->save_button, TRUE);

  if (!fw_alert_save_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the rules: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
      return;
    }

  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FwAlertRulesDialog *self = FW_ALERT_RULES_DIALOG (widget);
  g_autoptr(FwUnit) unit = scope_unit (self);
  const char *unit_uuid = unit != NULL ? fw_record_get_uuid (FW_RECORD (unit)) : NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  FwTime now = fw_now ();
  guint mute = adw_combo_row_get_selected (self->maintenance_row);
  static const FwTime mute_hours[] = { 0, 1, 4, 24 };

  if (self->saving)
    return;

  clear_errors (self);

  for (guint p = 0; p < FW_N_PARAMETERS; p++)
    {
      ParameterRows *rows = &self->rows[p];
      FwAlertRule *existing = find_rule (self, unit_uuid, p);
      gboolean enabled = adw_expander_row_get_enable_expansion (rows->expander);
      FwAlertRuleFields fields = {
        .farm_uuid = self->farm_uuid,
        .unit_uuid = (char *) unit_uuid,
        .kind = FW_ALERT_RULE_LIMITS,
        .parameter = p,
        .enabled = enabled,
      };
      FwAlertRule *rule;

      if (!read_rows (self, p, &fields.settings))
        return;

      /* Only what changed becomes a rule, so that a farm rule or a
       * species default still reaches the units nobody touched. */
      if (enabled == rows->shown_enabled && same_settings (&fields.settings, &rows->shown))
        continue;

      rule = fw_alert_rule_new (existing != NULL ? fw_record_get_uuid (FW_RECORD (existing)) : NULL, &fields);
      if (existing != NULL)
        fw_record_set_revision (FW_RECORD (rule), fw_record_get_revision (FW_RECORD (existing)));
      fw_record_set_updated_at (FW_RECORD (rule), now);
      g_ptr_array_add (records, rule);
    }

  if (mute > 0 && mute < G_N_ELEMENTS (mute_hours))
    {
      FwAlertRuleFields window = {
        .farm_uuid = self->farm_uuid,
        .unit_uuid = (char *) unit_uuid,
        .kind = FW_ALERT_RULE_MAINTENANCE,
        .enabled = TRUE,
        .starts_at = now,
        .ends_at = now + mute_hours[mute] * 3600,
      };

      g_ptr_array_add (records, fw_alert_rule_new (NULL, &window));
    }

  if (records->len == 0)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  self->saving = TRUE;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  fw_alert_save_async (self->cache, records, NULL, on_saved_cb, g_object_ref (self));
}

static void
build_rows (FwAlertRulesDialog *self)
{
  for (guint p = 0; p < FW_N_PARAMETERS; p++)
    {
      ParameterRows *rows = &self->rows[p];
      const char *unit = fw_parameter_get_unit (p);
      GtkWidget *expander = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), fw_parameter_get_label (p));
      adw_expander_row_set_show_enable_switch (ADW_EXPANDER_ROW (expander), TRUE);
      rows->expander = ADW_EXPANDER_ROW (expander);

      for (guint f = 0; f < N_FIELDS; f++)
        {
          g_autofree char *title = NULL;
          GtkWidget *entry;

          if (f == FIELD_DAWN_LIMIT && p != FW_PARAMETER_DISSOLVED_OXYGEN)
            continue;

          entry = adw_entry_row_new ();
          if (f == FIELD_MIN_DURATION || unit == NULL || *unit == '\0')
            title = g_strdup (_(field_titles[f]));
          else
            /* TRANSLATORS: a rule field and its unit, such as "Warning below (mg/L)" */
            title = g_strdup_printf (_("%s (%s)"), _(field_titles[f]), unit);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), title);
          gtk_widget_set_tooltip_text (entry, f <= FIELD_CRITICAL_HIGH ? _("Leave empty for no limit") : NULL);
          adw_expander_row_add_row (rows->expander, entry);
          rows->entries[f] = entry;
        }

      adw_preferences_group_add (self->limits_group, expander);
    }
}

static void
fw_alert_rules_dialog_finalize (GObject *object)
{
  FwAlertRulesDialog *self = FW_ALERT_RULES_DIALOG (object);

  g_clear_object (&self->cache);
  g_clear_object (&self->units);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_free (self->farm_uuid);

  G_OBJECT_CLASS (fw_alert_rules_dialog_parent_class)->finalize (object);
}

static void
fw_alert_rules_dialog_class_init (FwAlertRulesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fw_alert_rules_dialog_finalize;

  /**
   * FwAlertRulesDialog::saved:
   *
   * The changed rules are in the cache, waiting to sync.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fishwatch/FishWatch/fw-alert-rules-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FwAlertRulesDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FwAlertRulesDialog, scope_row);
  gtk_widget_class_bind_template_child (widget_class, FwAlertRulesDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FwAlertRulesDialog, limits_group);
  gtk_widget_class_bind_template_child (widget_class, FwAlertRulesDialog, maintenance_row);
  gtk_widget_class_bind_template_child (widget_class, FwAlertRulesDialog, save_button);

  gtk_widget_class_install_action (widget_class, "rules.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "rules.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "rules.save", NULL);
}

static void
fw_alert_rules_dialog_init (FwAlertRulesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_rows (self);
}

/**
 * fw_alert_rules_dialog_new:
 * @units: (element-type FwUnit): the farm's units
 * @rules: (nullable) (element-type FwAlertRule): the farm's rules as read
 * @unit: (nullable): the unit on screen, whose rules open first
 */
FwAlertRulesDialog *
fw_alert_rules_dialog_new (GtkWindow  *parent,
                           FwCache    *cache,
                           const char *farm_uuid,
                           GListModel *units,
                           GPtrArray  *rules,
                           FwUnit     *unit,
                           GTimeZone  *timezone)
{
  FwAlertRulesDialog *self;
  g_autoptr(GtkStringList) scopes = gtk_string_list_new (NULL);
  guint selected = 0;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FW_IS_CACHE (cache), NULL);
  g_return_val_if_fail (farm_uuid != NULL, NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (units), NULL);

  self = g_object_new (FW_TYPE_ALERT_RULES_DIALOG, "transient-for", parent, NULL);
  self->cache = g_object_ref (cache);
  self->farm_uuid = g_strdup (farm_uuid);
  self->units = g_object_ref (units);
  self->rules = rules != NULL ? g_ptr_array_ref (rules) : g_ptr_array_new_with_free_func (g_object_unref);
  self->timezone = timezone != NULL ? g_time_zone_ref (timezone) : g_time_zone_new_utc ();

  gtk_string_list_append (scopes, _("Whole farm"));
  for (guint i = 0; i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) each = g_list_model_get_item (units, i);

      gtk_string_list_append (scopes, fw_unit_get_name (each));
      if (unit != NULL && each == unit)
        selected = i + 1;
    }

  adw_combo_row_set_model (self->scope_row, G_LIST_MODEL (scopes));
  adw_combo_row_set_selected (self->scope_row, selected);
  fill_rows (self);
  g_signal_connect_object (self->scope_row, "notify::selected", G_CALLBACK (fill_rows), self, G_CONNECT_SWAPPED);

  return self;
}
