/* fw-entry-dialog.c — a logbook entry, typed at the pond side
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Faster than paper: the unit is the one on screen, the time is now, the
 * feed is the last one fed, and the form is the fields of the chosen kind
 * (fw-logbook-schema.c), Enter moving from one to the next and saving
 * after the last. The unit list takes typing to find a unit.
 *
 * Saving checks the entry in a worker thread against the same rules as
 * the command line, with the fish alive in the unit at the entry's time,
 * and writes it with its outbox row in one transaction. What is wrong is
 * said next to the form and nothing typed is lost; the dialog closes only
 * once the entry is saved.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "fw-app-util.h"
#include "fw-entry-dialog.h"

struct _FwEntryDialog
{
  AdwWindow        parent_instance;

  FwCache         *cache;
  GTimeZone       *timezone;
  GSettings       *settings;
  GPtrArray       *rows;           /* GtkWidget, one per field of the kind */
  FwLogbookEntry  *editing;        /* the entry changed, or NULL for a new one */
  char            *editing_time;   /* its time as first shown */
  gboolean         saving;

  AdwToastOverlay *toast_overlay;
  GtkWidget       *save_button;
  GtkDropDown     *unit_dropdown;
  AdwComboRow     *kind_row;
  AdwEntryRow     *time_row;
  AdwPreferencesGroup *fields_group;
  GtkLabel        *problems_label;
};

G_DEFINE_FINAL_TYPE (FwEntryDialog, fw_entry_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The kinds in the order the list shows them. */
static const char * const kinds[] = {
  "feeding", "mortality", "water_sample", "observation", "treatment",
  "stocking", "weight_sample", "harvest", "transfer",
};

static const char *
current_kind (FwEntryDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  return selected < G_N_ELEMENTS (kinds) ? kinds[selected] : kinds[0];
}

static const FwField *
row_field (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "fw-field");
}

/* Enter goes on to the next field to type in; after the last, it saves.
 * Lists keep their defaults unless chosen, as paper's blanks do. */
static void
focus_next_row (FwEntryDialog *self,
                GtkWidget     *row)
{
  guint index;

  if (g_ptr_array_find (self->rows, row, &index))
    for (guint i = index + 1; i < self->rows->len; i++)
      if (ADW_IS_ENTRY_ROW (g_ptr_array_index (self->rows, i)))
        {
          gtk_widget_grab_focus (g_ptr_array_index (self->rows, i));
          return;
        }

  gtk_widget_activate_action (GTK_WIDGET (self), "entry.save", NULL);
}

static void
on_entry_activated_cb (AdwEntryRow   *row,
                       FwEntryDialog *self)
{
  focus_next_row (self, GTK_WIDGET (row));
}

static void
on_choice_clicked_cb (GtkButton *button,
                      GtkWidget *row)
{
  gtk_editable_set_text (GTK_EDITABLE (row), gtk_button_get_label (button));
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER)));
  gtk_widget_grab_focus (row);
}

static GtkWidget *
create_choices_button (GtkWidget     *row,
                       const FwField *field)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *tooltip = g_strdup_printf (_("Usual Values for %s"), _(field->label));

  for (guint i = 0; field->choices[i] != NULL; i++)
    {
      GtkWidget *choice = gtk_button_new_with_label (fw_field_choice_get_label (field->choices[i]));

      gtk_widget_add_css_class (choice, "flat");
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (choice))), 0);
      g_signal_connect (choice, "clicked", G_CALLBACK (on_choice_clicked_cb), row);
      gtk_box_append (GTK_BOX (box), choice);
    }

  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-list-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);

  return button;
}

static GtkWidget *
create_row (FwEntryDialog *self,
            const FwField *field)
{
  g_autofree char *title = NULL;
  GtkWidget *row;

  if (*field->unit != '\0')
    /* TRANSLATORS: a form field and its unit of measure, "Amount (kg)" */
    title = g_strdup_printf (_("%s (%s)"), _(field->label), field->unit);
  else
    title = g_strdup (_(field->label));

  if (field->type == FW_FIELD_CHOICE)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

      if (!field->required)
        gtk_string_list_append (labels, _("Not recorded"));
      for (guint i = 0; field->choices[i] != NULL; i++)
        gtk_string_list_append (labels, fw_field_choice_get_label (field->choices[i]));

      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
    }
  else if (field->type == FW_FIELD_UNIT)
    {
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), gtk_drop_down_get_model (self->unit_dropdown));
      adw_combo_row_set_expression (ADW_COMBO_ROW (row),
                                    gtk_property_expression_new (FW_TYPE_UNIT, NULL, "name"));
    }
  else
    {
      row = adw_entry_row_new ();
      if (field->type != FW_FIELD_TEXT)
        gtk_editable_set_alignment (GTK_EDITABLE (row), 0);
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row),
                                       field->type == FW_FIELD_TEXT ? GTK_INPUT_PURPOSE_FREE_FORM
                                                                    : GTK_INPUT_PURPOSE_NUMBER);
      g_signal_connect (row, "entry-activated", G_CALLBACK (on_entry_activated_cb), self);

      /* A text with usual values (a cause of death, a species): a list
       * to pick from, and still free to type anything. */
      if (field->type == FW_FIELD_TEXT && field->choices != NULL)
        adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), create_choices_button (row, field));

      if (g_str_equal (field->key, "feed_type"))
        {
          g_autofree char *last = g_settings_get_string (self->settings, "last-feed-type");

          gtk_editable_set_text (GTK_EDITABLE (row), last);
        }
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_object_set_data (G_OBJECT (row), "fw-field", (gpointer) field);
  return row;
}

static void
build_fields (FwEntryDialog *self)
{
  const FwField *fields;
  guint n_fields;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->fields_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  fields = fw_logbook_kind_get_fields (current_kind (self), &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      GtkWidget *row = create_row (self, &fields[i]);

      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (self->fields_group, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), FALSE);
}

/* Typing starts in the first field left to fill. */
static void
focus_first_empty (FwEntryDialog *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      if (!ADW_IS_ENTRY_ROW (row) || *gtk_editable_get_text (GTK_EDITABLE (row)) == '\0')
        {
          gtk_window_set_focus (GTK_WINDOW (self), row);
          return;
        }
    }
}

static void
on_kind_selected_cb (FwEntryDialog *self)
{
  build_fields (self);
  focus_first_empty (self);
}

/* A number as people type it: a comma for the decimal point is fine. */
static JsonNode *
number_node (const char *text,
             gboolean    whole)
{
  g_autofree char *dotted = g_strdelimit (g_strstrip (g_strdup (text)), ",", '.');
  char *end = NULL;
  double value = g_ascii_strtod (dotted, &end);
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  /* Not a number: kept as typed, for the check to name it. */
  if (*dotted == '\0' || end == NULL || *end != '\0' || !isfinite (value))
    json_node_set_string (node, text);
  else if (whole && value == floor (value) && fabs (value) < 1e15)
    json_node_set_int (node, (gint64) value);
  else
    json_node_set_double (node, value);

  return node;
}

static JsonObject *
build_payload (FwEntryDialog *self)
{
  JsonObject *payload = json_object_new ();

  /* A changed entry keeps what the form does not show: fields a newer
   * version wrote. The form's own fields are set, or removed, below. */
  if (self->editing != NULL)
    {
      g_autoptr(JsonNode) root = json_from_string (fw_logbook_entry_get_payload (self->editing), NULL);

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *old = json_node_get_object (root);
          g_autoptr(GList) members = json_object_get_members (old);

          for (GList *l = members; l != NULL; l = l->next)
            json_object_set_member (payload, l->data, json_node_copy (json_object_get_member (old, l->data)));
        }

      for (guint i = 0; i < self->rows->len; i++)
        json_object_remove_member (payload, row_field (g_ptr_array_index (self->rows, i))->key);
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      const FwField *field = row_field (row);
      guint selected;

      switch (field->type)
        {
        case FW_FIELD_NUMBER:
        case FW_FIELD_COUNT:
        case FW_FIELD_TEXT:
          {
            const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
            g_autofree char *trimmed = g_strstrip (g_strdup (text));

            if (*trimmed == '\0')
              break;
            if (field->type == FW_FIELD_TEXT)
              json_object_set_string_member (payload, field->key, trimmed);
            else
              json_object_set_member (payload, field->key, number_node (trimmed, field->type == FW_FIELD_COUNT));
          }
          break;

        case FW_FIELD_CHOICE:
          selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
          if (!field->required)
            {
              if (selected == 0)
                break;
              selected--;
            }
          if (selected < g_strv_length ((char **) field->choices))
            json_object_set_string_member (payload, field->key, field->choices[selected]);
          break;

        case FW_FIELD_UNIT:
          {
            FwUnit *unit = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

            if (unit != NULL)
              json_object_set_string_member (payload, field->key, fw_record_get_uuid (FW_RECORD (unit)));
          }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return payload;
}

/* "2026-11-27 06:30" in the farm's zone. */
static gboolean
parse_time (FwEntryDialog *self,
            FwTime        *time)
{
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day, hour, minute;
  char rest;

  if (sscanf (gtk_editable_get_text (GTK_EDITABLE (self->time_row)), "%d-%d-%d %d:%d%c",
              &year, &month, &day, &hour, &minute, &rest) != 5)
    return FALSE;

  dt = g_date_time_new (self->timezone, year, month, day, hour, minute, 0);
  if (dt == NULL)
    return FALSE;

  *time = g_date_time_to_unix (dt);
  return TRUE;
}

static void
show_problems (FwEntryDialog *self,
               GPtrArray     *problems)
{
  g_autofree char *text = NULL;
  GtkWidget *first = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->time_row), "error");
  for (guint i = 0; i < self->rows->len; i++)
    gtk_widget_remove_css_class (g_ptr_array_index (self->rows, i), "error");

  for (guint p = 0; p < problems->len; p++)
    {
      FwFieldProblem *problem = g_ptr_array_index (problems, p);

      if (g_strcmp0 (problem->key, "occurred_at") == 0)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->time_row), "error");
          first = first != NULL ? first : GTK_WIDGET (self->time_row);
          continue;
        }

      for (guint i = 0; i < self->rows->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (self->rows, i);

          if (g_strcmp0 (row_field (row)->key, problem->key) == 0)
            {
              gtk_widget_add_css_class (row, "error");
              first = first != NULL ? first : row;
            }
        }
    }

  text = fw_field_problems_to_string (problems);
  g_strdelimit (text, ";", '\n');
  gtk_label_set_label (self->problems_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), problems->len > 0);

  if (first != NULL)
    gtk_widget_grab_focus (first);
}

typedef struct
{
  FwCache        *cache;
  FwLogbookEntry *entry;
  GPtrArray      *problems;
} Saving;

static void
saving_free (Saving *saving)
{
  g_clear_object (&saving->cache);
  g_clear_object (&saving->entry);
  g_clear_pointer (&saving->problems, g_ptr_array_unref);
  g_free (saving);
}

/* In a worker thread: the fish alive at the entry's time, the checks,
 * then the entry and its outbox row in one transaction. */
static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Saving *saving = task_data;
  FwLogbookEntry *entry = saving->entry;
  GError *error = NULL;

  if (!fw_logbook_check (saving->cache, entry, g_get_real_time () / G_USEC_PER_SEC, &saving->problems, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (saving->problems->len > 0)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (!fw_cache_record_change (saving->cache, FW_RECORD (entry), FALSE, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_saving (FwEntryDialog *self,
            gboolean       saving)
{
  self->saving = saving;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.save", !saving);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FwEntryDialog *self = FW_ENTRY_DIALOG (source);
  Saving *saving = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean saved = g_task_propagate_boolean (G_TASK (result), &error);

  set_saving (self, FALSE);

  if (!saved)
    {
      if (error != NULL)
        /* TRANSLATORS: the entry could not be written to the cache, and why */
        fw_widget_add_toast (GTK_WIDGET (self->problems_label), error->message);
      else
        show_problems (self, saving->problems);
      return;
    }

  if (g_str_equal (fw_logbook_entry_get_kind (saving->entry), "feeding"))
    {
      g_autoptr(JsonNode) payload = json_from_string (fw_logbook_entry_get_payload (saving->entry), NULL);
      const char *feed = json_object_get_string_member_with_default (json_node_get_object (payload),
                                                                      "feed_type", "");

      g_settings_set_string (self->settings, "last-feed-type", feed);
    }

  g_signal_emit (self, signals[SAVED], 0, saving->entry);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FwEntryDialog *self = FW_ENTRY_DIALOG (widget);
  FwUnit *unit = gtk_drop_down_get_selected_item (self->unit_dropdown);
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *payload_text = NULL;
  Saving *saving;
  FwTime occurred;

  if (self->saving || unit == NULL)
    return;

  /* The time as it was, seconds and all, unless it was retyped. */
  if (self->editing != NULL && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->time_row)),
                                          self->editing_time) == 0)
    occurred = fw_logbook_entry_get_occurred_at (self->editing);
  else if (!parse_time (self, &occurred))
    {
      g_autoptr(GPtrArray) problems = g_ptr_array_new ();
      FwFieldProblem problem = {
        (char *) "occurred_at",
        (char *) _("Write the time as YYYY-MM-DD HH:MM, such as 2026-11-27 06:30"),
      };

      g_ptr_array_add (problems, &problem);
      show_problems (self, problems);
      return;
    }

  payload = build_payload (self);
  node = json_node_init_object (json_node_alloc (), payload);
  payload_text = json_to_string (node, FALSE);

  saving = g_new0 (Saving, 1);
  saving->cache = g_object_ref (self->cache);
  if (self->editing == NULL)
    saving->entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                                  "unit-uuid", fw_record_get_uuid (FW_RECORD (unit)),
                                  "kind", current_kind (self),
                                  "occurred-at", occurred,
                                  "payload", payload_text,
                                  NULL);
  else
    /* An edit is the same record at the revision it was read at, so that
     * the server can tell a concurrent edit. */
    saving->entry = g_object_new (FW_TYPE_LOGBOOK_ENTRY,
                                  "uuid", fw_record_get_uuid (FW_RECORD (self->editing)),
                                  "revision", fw_record_get_revision (FW_RECORD (self->editing)),
                                  "created-at", fw_record_get_created_at (FW_RECORD (self->editing)),
                                  "author-uuid", fw_logbook_entry_get_author_uuid (self->editing),
                                  "unit-uuid", fw_record_get_uuid (FW_RECORD (unit)),
                                  "kind", current_kind (self),
                                  "occurred-at", occurred,
                                  "payload", payload_text,
                                  NULL);

  set_saving (self, TRUE);
  /* Not cancellable: an entry on its way to the cache gets there, and the
   * dialog stays until it has (see close_request). */
  task = g_task_new (self, NULL, on_saved_cb, NULL);
  g_task_set_task_data (task, saving, (GDestroyNotify) saving_free);
  g_task_run_in_thread (task, save_thread);
}

/**
 * fw_entry_dialog_new:
 * @units: (element-type FwUnit): the farm's units
 * @unit: (nullable): the unit to start with
 * @timezone: the farm's zone, in which the time is typed
 *
 * Returns: (transfer floating): a dialog for a new logbook entry
 */
FwEntryDialog *
fw_entry_dialog_new (GtkWindow  *parent,
                     FwCache    *cache,
                     GListModel *units,
                     FwUnit     *unit,
                     GTimeZone  *timezone)
{
  FwEntryDialog *self;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_text = NULL;

  g_return_val_if_fail (FW_IS_CACHE (cache), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (units), NULL);
  g_return_val_if_fail (timezone != NULL, NULL);

  self = g_object_new (FW_TYPE_ENTRY_DIALOG, "transient-for", parent, NULL);
  self->cache = g_object_ref (cache);
  self->timezone = g_time_zone_ref (timezone);

  gtk_drop_down_set_model (self->unit_dropdown, units);
  for (guint i = 0; unit != NULL && i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) item = g_list_model_get_item (units, i);

      if (g_str_equal (fw_record_get_uuid (FW_RECORD (item)), fw_record_get_uuid (FW_RECORD (unit))))
        gtk_drop_down_set_selected (self->unit_dropdown, i);
    }

  now = g_date_time_new_now (timezone);
  now_text = g_date_time_format (now, "%Y-%m-%d %H:%M");
  gtk_editable_set_text (GTK_EDITABLE (self->time_row), now_text);

  build_fields (self);
  focus_first_empty (self);
  return self;
}

static void
fill_row (FwEntryDialog *self,
          GtkWidget     *row,
          JsonNode      *node)
{
  const FwField *field = row_field (row);
  const char *text = NULL;
  g_autofree char *number = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = json_node_get_string (node);
  else if (JSON_NODE_HOLDS_VALUE (node))
    text = number = g_strdup_printf ("%.10g", json_node_get_double (node));
  if (text == NULL)
    return;

  switch (field->type)
    {
    case FW_FIELD_NUMBER:
    case FW_FIELD_COUNT:
    case FW_FIELD_TEXT:
      gtk_editable_set_text (GTK_EDITABLE (row), text);
      break;

    case FW_FIELD_CHOICE:
      for (guint i = 0; field->choices[i] != NULL; i++)
        if (g_str_equal (field->choices[i], text))
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), field->required ? i : i + 1);
      break;

    case FW_FIELD_UNIT:
      {
        GListModel *units = gtk_drop_down_get_model (self->unit_dropdown);

        for (guint i = 0; i < g_list_model_get_n_items (units); i++)
          {
            g_autoptr(FwUnit) unit = g_list_model_get_item (units, i);

            if (g_str_equal (fw_record_get_uuid (FW_RECORD (unit)), text))
              adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * fw_entry_dialog_new_for_entry:
 * @entry: the entry to change
 *
 * Returns: (transfer floating): a dialog showing @entry to change; its
 *   kind stays
 */
FwEntryDialog *
fw_entry_dialog_new_for_entry (GtkWindow      *parent,
                               FwCache        *cache,
                               GListModel     *units,
                               FwLogbookEntry *entry,
                               GTimeZone      *timezone)
{
  g_autoptr(JsonNode) root = json_from_string (fw_logbook_entry_get_payload (entry), NULL);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (fw_logbook_entry_get_occurred_at (entry));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, timezone);
  g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  FwEntryDialog *self = fw_entry_dialog_new (parent, cache, units, NULL, timezone);
  gboolean found = FALSE;

  g_return_val_if_fail (FW_IS_LOGBOOK_ENTRY (entry), self);

  self->editing = g_object_ref (entry);
  gtk_window_set_title (GTK_WINDOW (self), _("Change Logbook Entry"));

  for (guint i = 0; i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (units, i);

      if (g_str_equal (fw_record_get_uuid (FW_RECORD (unit)), fw_logbook_entry_get_unit_uuid (entry)))
        {
          gtk_drop_down_set_selected (self->unit_dropdown, i);
          found = TRUE;
        }
    }

  /* An entry of a unit no longer listed cannot be put right here: the form
   * would move it to another unit. */
  if (!found)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->unit_dropdown), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.save", FALSE);
      gtk_label_set_label (self->problems_label,
                           _("This entry’s unit is no longer on the farm’s list, so it cannot be changed here."));
      gtk_widget_set_visible (GTK_WIDGET (self->problems_label), TRUE);
    }

  fw_entry_dialog_set_kind (self, fw_logbook_entry_get_kind (entry));
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->time_row), when);
  self->editing_time = g_strdup (when);

  for (guint i = 0; root != NULL && JSON_NODE_HOLDS_OBJECT (root) && i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      JsonNode *node = json_object_get_member (json_node_get_object (root), row_field (row)->key);

      if (ADW_IS_ENTRY_ROW (row))
        gtk_editable_set_text (GTK_EDITABLE (row), "");
      if (node != NULL)
        fill_row (self, row, node);
    }

  return self;
}

/**
 * fw_entry_dialog_set_kind:
 *
 * Chooses the kind of entry, as the Kind list does.
 */
void
fw_entry_dialog_set_kind (FwEntryDialog *self,
                          const char    *kind)
{
  g_return_if_fail (FW_IS_ENTRY_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i], kind))
      adw_combo_row_set_selected (self->kind_row, i);
}

/**
 * fw_entry_dialog_get_row:
 * @key: a field of the kind shown
 *
 * Returns: (transfer none) (nullable): the row of the form for @key
 */
GtkWidget *
fw_entry_dialog_get_row (FwEntryDialog *self,
                         const char    *key)
{
  g_return_val_if_fail (FW_IS_ENTRY_DIALOG (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    if (g_str_equal (row_field (g_ptr_array_index (self->rows, i))->key, key))
      return g_ptr_array_index (self->rows, i);

  return NULL;
}

/**
 * fw_entry_dialog_get_problems:
 *
 * Returns: what the form says is wrong, or "" when nothing shows
 */
const char *
fw_entry_dialog_get_problems (FwEntryDialog *self)
{
  g_return_val_if_fail (FW_IS_ENTRY_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->problems_label))
         ? gtk_label_get_label (self->problems_label) : "";
}

gboolean
fw_entry_dialog_get_saving (FwEntryDialog *self)
{
  g_return_val_if_fail (FW_IS_ENTRY_DIALOG (self), FALSE);

  return self->saving;
}

static gboolean
fw_entry_dialog_close_request (GtkWindow *window)
{
  /* Closing now would leave the user unsure whether the entry was kept. */
  if (FW_ENTRY_DIALOG (window)->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (fw_entry_dialog_parent_class)->close_request (window);
}

static void
fw_entry_dialog_dispose (GObject *object)
{
  FwEntryDialog *self = FW_ENTRY_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_ENTRY_DIALOG);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->editing);
  g_clear_pointer (&self->editing_time, g_free);
  g_clear_object (&self->cache);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_entry_dialog_parent_class)->dispose (object);
}

static void
fw_entry_dialog_class_init (FwEntryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_entry_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = fw_entry_dialog_close_request;

  /**
   * FwEntryDialog::saved:
   * @entry: the entry, saved with its outbox row
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FW_TYPE_LOGBOOK_ENTRY);

  gtk_widget_class_install_action (widget_class, "entry.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "entry.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "entry.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-entry-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, time_row);
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, FwEntryDialog, problems_label);
}

static void
fw_entry_dialog_init (FwEntryDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_type_ensure (FW_TYPE_UNIT);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->settings = g_settings_new (BASE_ID);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (labels, fw_logbook_kind_get_label (kinds[i]));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (labels));
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (on_kind_selected_cb), self);
}
