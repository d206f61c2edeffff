/* fw-unit-logbook.c — a unit's logbook and the stock it adds up to
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Logbook view lists a unit's entries newest first, each with what it
 * says and where it stands with the server (waiting, synced, refused, in
 * conflict), and filters them by kind. Deleting takes the entry off the
 * list at once with an Undo toast; the tombstone is written when the toast
 * goes away unless undone, so an undo never has to bring a deleted record
 * back on the server.
 *
 * One read in a worker thread brings the entries, their outbox states and
 * the stock figures; the Stock view shows the figures.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fw-app-util.h"
#include "fw-print-report.h"
#include "fw-save-dialog.h"
#include "fw-unit-logbook.h"

/* The kinds, in the order of the filter list after "All kinds". */
static const char * const kinds[] = {
  "feeding", "mortality", "water_sample", "observation", "treatment",
  "stocking", "weight_sample", "harvest", "transfer",
};

struct _FwUnitLogbook
{
  GtkBox         parent_instance;

  FwCache       *cache;
  FwUnit        *unit;           /* NULL for the whole farm: */
  GHashTable    *unit_names;     /* unit uuid → name, of the farm's units */
  GTimeZone     *timezone;
  GListStore    *entries;
  GHashTable    *states;        /* record uuid → FwOutboxEntry */
  GHashTable    *deleting;      /* uuids taken off the list, their Undo still open */
  GtkCustomFilter *filter;
  GListModel    *filtered;       /* what the list shows */
  GCancellable  *cancellable;
  FwUnitStock   *stock_view;     /* weak */
  FwStock        stock;          /* as last read */
  gboolean       loading;

  GtkDropDown   *kind_dropdown;
  GtkDropDown   *when_dropdown;
  GtkMenuButton *export_button;
  GtkStack      *stack;
  GtkListBox    *list;
  AdwStatusPage *empty_page;
};

G_DEFINE_FINAL_TYPE (FwUnitLogbook, fw_unit_logbook, GTK_TYPE_BOX)

static const char *
unit_name_of (FwUnitLogbook  *self,
              FwLogbookEntry *entry)
{
  if (self->unit != NULL)
    return fw_unit_get_name (self->unit);
  return g_hash_table_lookup (self->unit_names, fw_logbook_entry_get_unit_uuid (entry));
}

static char *
describe_state (FwUnitLogbook  *self,
                FwLogbookEntry *entry)
{
  FwOutboxEntry *change = g_hash_table_lookup (self->states, fw_record_get_uuid (FW_RECORD (entry)));

  if (change == NULL)
    return g_strdup (_("Synced"));

  switch (change->state)
    {
    case FW_OUTBOX_PENDING:
      return g_strdup (_("Waiting to sync"));
    case FW_OUTBOX_REJECTED:
      /* TRANSLATORS: the server refused an entry; the reason follows */
      return g_strdup_printf (_("Refused: %s"), change->error != NULL ? change->error : "");
    case FW_OUTBOX_CONFLICT:
      return g_strdup (_("In conflict with the server’s copy"));
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Rows ------------------------------------------------------------------ */

static void
on_delete_clicked_cb (GtkButton     *button,
                      FwUnitLogbook *self)
{
  FwLogbookEntry *entry = g_object_get_data (G_OBJECT (button), "fw-entry");

  fw_unit_logbook_delete (self, entry);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  FwUnitLogbook *self = user_data;
  FwLogbookEntry *entry = item;
  g_autofree char *summary = fw_logbook_summarize (fw_logbook_entry_get_kind (entry), fw_logbook_entry_get_payload (entry));
  g_autofree char *when = fw_format_local_time (fw_logbook_entry_get_occurred_at (entry), self->timezone);
  g_autofree char *state = describe_state (self, entry);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  const char *kind = fw_logbook_kind_get_label (fw_logbook_entry_get_kind (entry));

  if (self->unit == NULL)
    /* TRANSLATORS: a farm logbook row's subtitle: the unit, when, and where
     * it stands with the server */
    subtitle = g_strdup_printf (_("%s · %s · %s"), unit_name_of (self, entry), when, state);
  else
    /* TRANSLATORS: a logbook row's subtitle: when, and where it stands with the server */
    subtitle = g_strdup_printf (_("%s · %s"), when, state);
  /* TRANSLATORS: a logbook row's title: the kind, then what it says */
  title = *summary != '\0' ? g_strdup_printf (_("%s: %s"), kind != NULL ? kind : "", summary)
                           : g_strdup (kind);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);

  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (delete, _("Delete This Entry"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Delete this entry"), -1);
  gtk_widget_add_css_class (delete, "flat");
  g_object_set_data_full (G_OBJECT (delete), "fw-entry", g_object_ref (entry), g_object_unref);
  g_signal_connect (delete, "clicked", G_CALLBACK (on_delete_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);

  /* Activating the row changes the entry. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.edit-entry");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", fw_record_get_uuid (FW_RECORD (entry)));
  gtk_widget_set_tooltip_text (row, _("Change this entry"));

  return row;
}

/* The date ranges of the second filter, in days back from now; 0 for
 * any time. */
static const guint ranges[] = { 0, 1, 7, 30, 365 };

static gboolean
filter_cb (gpointer item,
           gpointer user_data)
{
  FwUnitLogbook *self = user_data;
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  guint when = gtk_drop_down_get_selected (self->when_dropdown);

  if (when > 0 && when < G_N_ELEMENTS (ranges) &&
      fw_logbook_entry_get_occurred_at (item) < fw_now () - (FwTime) ranges[when] * 86400)
    return FALSE;

  if (kind == 0 || kind > G_N_ELEMENTS (kinds))
    return TRUE;
  return g_strcmp0 (fw_logbook_entry_get_kind (item), kinds[kind - 1]) == 0;
}

static void
update_stack (FwUnitLogbook *self)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->entries)) > 0;

  adw_status_page_set_description (self->empty_page,
                                   any ? _("No entry of this kind and time")
                                       : _("Feedings, mortalities, water samples and more: press Ctrl+N to log one"));
  gtk_stack_set_visible_child_name (self->stack,
                                    gtk_widget_get_first_child (GTK_WIDGET (self->list)) != NULL ? "list" : "empty");
}

static void
on_kind_selected_cb (FwUnitLogbook *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_stack (self);
}

/* Loading --------------------------------------------------------------- */

typedef struct
{
  FwCache    *cache;
  FwUnit     *unit;
  FwTime      now;
  GPtrArray  *entries;
  GHashTable *states;
  FwStock     stock;
} Load;

static void
load_free (Load *load)
{
  g_clear_object (&load->cache);
  g_clear_object (&load->unit);
  g_clear_pointer (&load->entries, g_ptr_array_unref);
  g_clear_pointer (&load->states, g_hash_table_unref);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  const char *uuid = load->unit != NULL ? fw_record_get_uuid (FW_RECORD (load->unit)) : NULL;
  static const FwOutboxState states[] = { FW_OUTBOX_PENDING, FW_OUTBOX_REJECTED, FW_OUTBOX_CONFLICT };
  GError *error = NULL;

  load->entries = fw_cache_list_logbook (load->cache, uuid, &error);
  if (load->entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  load->states = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) fw_outbox_entry_free);
  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    {
      g_autoptr(GPtrArray) changes = fw_cache_list_outbox (load->cache, states[s], G_MAXUINT, &error);

      if (changes == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      /* The last change of a record, whatever its state, tells where the
       * record stands. */
      g_ptr_array_set_free_func (changes, NULL);
      for (guint i = 0; i < changes->len; i++)
        {
          FwOutboxEntry *change = g_ptr_array_index (changes, i);
          FwOutboxEntry *known = g_hash_table_lookup (load->states, change->record_uuid);

          if (known == NULL || change->seq > known->seq)
            g_hash_table_replace (load->states, change->record_uuid, change);
          else
            fw_outbox_entry_free (change);
        }
    }

  if (load->unit != NULL)
    fw_stock_compute (uuid, load->entries, fw_unit_get_volume (load->unit), fw_unit_get_area (load->unit),
                      load->now, &load->stock);

  g_task_return_boolean (task, TRUE);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FwUnitLogbook *self = FW_UNIT_LOGBOOK (source);
  Load *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->loading = FALSE;
          fw_widget_add_toast (GTK_WIDGET (self), error->message);
        }
      return;
    }

  self->loading = FALSE;
  g_hash_table_unref (self->states);
  self->states = g_steal_pointer (&load->states);

  /* Transfers from other units feed the stock, not this list; the farm's
   * list has its own units' entries, not other farms'. */
  shown = g_ptr_array_new ();
  for (guint i = 0; i < load->entries->len; i++)
    {
      FwLogbookEntry *entry = g_ptr_array_index (load->entries, i);
      const char *unit_uuid = fw_logbook_entry_get_unit_uuid (entry);

      if (g_hash_table_contains (self->deleting, fw_record_get_uuid (FW_RECORD (entry))))
        continue;
      if (self->unit != NULL ? g_strcmp0 (unit_uuid, fw_record_get_uuid (FW_RECORD (self->unit))) == 0
                             : g_hash_table_contains (self->unit_names, unit_uuid))
        g_ptr_array_add (shown, entry);
    }
  g_list_store_splice (self->entries, 0, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                       shown->pdata, shown->len);
  update_stack (self);

  self->stock = load->stock;
  if (self->stock_view != NULL && self->unit != NULL)
    fw_unit_stock_set_stock (self->stock_view, &load->stock);
}

void
fw_unit_logbook_reload (FwUnitLogbook *self)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (FW_IS_UNIT_LOGBOOK (self));

  if (self->cache == NULL || (self->unit == NULL && g_hash_table_size (self->unit_names) == 0))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  load = g_new0 (Load, 1);
  load->cache = g_object_ref (self->cache);
  load->unit = self->unit != NULL ? g_object_ref (self->unit) : NULL;
  load->now = g_get_real_time () / G_USEC_PER_SEC;

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, on_loaded_cb, NULL);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * fw_unit_logbook_show:
 * @timezone: the farm's zone, in which times are shown
 *
 * Shows @unit's logbook, read off the main thread.
 */
void
fw_unit_logbook_show (FwUnitLogbook *self,
                      FwCache       *cache,
                      FwUnit        *unit,
                      GTimeZone     *timezone)
{
  g_return_if_fail (FW_IS_UNIT_LOGBOOK (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (FW_IS_UNIT (unit));
  g_return_if_fail (timezone != NULL);

  if (self->unit == NULL || !g_str_equal (fw_record_get_uuid (FW_RECORD (self->unit)),
                                          fw_record_get_uuid (FW_RECORD (unit))))
    g_list_store_remove_all (self->entries);

  g_set_object (&self->cache, cache);
  g_set_object (&self->unit, unit);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  self->timezone = g_time_zone_ref (timezone);

  fw_unit_logbook_reload (self);
}

/* A unit's logbook exports its stock too; the farm's has Farm Stock. */
static void
set_export_menu (FwUnitLogbook *self,
                 gboolean       with_stock)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  g_menu_append (menu, _("Logbook (CSV)…"), "logbook.export('logbook')");
  if (with_stock)
    g_menu_append (menu, _("Stock Report (CSV)…"), "logbook.export('stock')");
  g_menu_append (menu, _("Report (PDF)…"), "logbook.report('pdf')");
  g_menu_append (menu, _("Print Report…"), "logbook.report('print')");
  gtk_menu_button_set_menu_model (self->export_button, G_MENU_MODEL (menu));
}

/**
 * fw_unit_logbook_show_farm:
 * @units: (element-type FwUnit): the farm's units
 *
 * Shows the logbook of every unit of the farm, each entry with its unit.
 */
void
fw_unit_logbook_show_farm (FwUnitLogbook *self,
                           FwCache       *cache,
                           GListModel    *units,
                           GTimeZone     *timezone)
{
  g_return_if_fail (FW_IS_UNIT_LOGBOOK (self));
  g_return_if_fail (FW_IS_CACHE (cache));
  g_return_if_fail (G_IS_LIST_MODEL (units));
  g_return_if_fail (timezone != NULL);

  g_clear_object (&self->unit);
  g_set_object (&self->cache, cache);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  self->timezone = g_time_zone_ref (timezone);

  g_hash_table_remove_all (self->unit_names);
  for (guint i = 0; i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) unit = g_list_model_get_item (units, i);

      g_hash_table_insert (self->unit_names, g_strdup (fw_record_get_uuid (FW_RECORD (unit))),
                           g_strdup (fw_unit_get_name (unit)));
    }

  set_export_menu (self, FALSE);
  fw_unit_logbook_reload (self);
}

/**
 * fw_unit_logbook_get_entries:
 *
 * Returns: (transfer none): the entries listed, newest first
 */
GListModel *
fw_unit_logbook_get_entries (FwUnitLogbook *self)
{
  g_return_val_if_fail (FW_IS_UNIT_LOGBOOK (self), NULL);

  return G_LIST_MODEL (self->entries);
}

gboolean
fw_unit_logbook_get_loading (FwUnitLogbook *self)
{
  g_return_val_if_fail (FW_IS_UNIT_LOGBOOK (self), FALSE);

  return self->loading;
}

void
fw_unit_logbook_set_stock_view (FwUnitLogbook *self,
                                FwUnitStock   *stock)
{
  g_return_if_fail (FW_IS_UNIT_LOGBOOK (self));

  g_set_weak_pointer (&self->stock_view, stock);
}

/* Deleting -------------------------------------------------------------- */

typedef struct
{
  FwUnitLogbook  *self;       /* weak: the widget may go first */
  FwCache        *cache;
  FwLogbookEntry *entry;
  gboolean        undone;
} Deletion;

static void
deletion_free (Deletion *deletion)
{
  g_clear_weak_pointer (&deletion->self);
  g_clear_object (&deletion->cache);
  g_clear_object (&deletion->entry);
  g_free (deletion);
}

static void
tombstone_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Deletion *deletion = task_data;
  GError *error = NULL;

  if (fw_cache_record_change (deletion->cache, FW_RECORD (deletion->entry), TRUE, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_tombstoned_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Deletion *deletion = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;

  /* Not written: the entry is still there, and says so. */
  if (deletion->self != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not delete the entry: %s"), error->message);

      fw_widget_add_toast (GTK_WIDGET (deletion->self), text);
      fw_unit_logbook_reload (deletion->self);
    }
}

static void
on_undo_cb (AdwToast *toast,
            Deletion *deletion)
{
  deletion->undone = TRUE;
  if (deletion->self != NULL)
    {
      g_hash_table_remove (deletion->self->deleting, fw_record_get_uuid (FW_RECORD (deletion->entry)));
      fw_unit_logbook_reload (deletion->self);
    }
}

static void
on_toast_dismissed_cb (AdwToast *toast,
                       Deletion *deletion)
{
  g_autoptr(GTask) task = NULL;

  if (deletion->undone)
    {
      deletion_free (deletion);
      return;
    }

  if (deletion->self != NULL)
    g_hash_table_remove (deletion->self->deleting, fw_record_get_uuid (FW_RECORD (deletion->entry)));

  task = g_task_new (NULL, NULL, on_tombstoned_cb, NULL);
  g_task_set_task_data (task, deletion, (GDestroyNotify) deletion_free);
  g_task_run_in_thread (task, tombstone_thread);
}

/**
 * fw_unit_logbook_delete:
 *
 * Takes @entry off the list with an Undo toast; its tombstone is written,
 * with its outbox row, when the toast goes away unless undone.
 */
void
fw_unit_logbook_delete (FwUnitLogbook  *self,
                        FwLogbookEntry *entry)
{
  g_autofree char *title = NULL;
  Deletion *deletion;
  AdwToast *toast;
  guint position;

  g_return_if_fail (FW_IS_UNIT_LOGBOOK (self));
  g_return_if_fail (FW_IS_LOGBOOK_ENTRY (entry));

  if (!g_list_store_find (self->entries, entry, &position))
    return;

  deletion = g_new0 (Deletion, 1);
  g_set_weak_pointer (&deletion->self, self);
  deletion->cache = g_object_ref (self->cache);
  deletion->entry = g_object_ref (entry);

  g_list_store_remove (self->entries, position);
  g_hash_table_add (self->deleting, g_strdup (fw_record_get_uuid (FW_RECORD (entry))));
  update_stack (self);

  /* TRANSLATORS: a toast after deleting a logbook entry, with its kind */
  title = g_strdup_printf (_("%s deleted"), fw_logbook_kind_get_label (fw_logbook_entry_get_kind (entry)));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo_cb), deletion);
  g_signal_connect (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), deletion);

  {
    GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

    if (overlay != NULL)
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    else
      {
        /* Nowhere to offer Undo: delete at once. */
        on_toast_dismissed_cb (toast, deletion);
        g_object_unref (toast);
      }
  }
}

/* Boilerplate ----------------------------------------------------------- */

static void
fw_unit_logbook_dispose (GObject *object)
{
  FwUnitLogbook *self = FW_UNIT_LOGBOOK (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->entries);
  g_clear_object (&self->filter);
  g_clear_object (&self->filtered);
  g_clear_object (&self->cache);
  g_clear_object (&self->unit);
  g_clear_weak_pointer (&self->stock_view);
  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->unit_names, g_hash_table_unref);
  g_clear_pointer (&self->deleting, g_hash_table_unref);
  g_clear_pointer (&self->timezone, g_time_zone_unref);

  G_OBJECT_CLASS (fw_unit_logbook_parent_class)->dispose (object);
}

typedef struct
{
  gboolean    stock_report;
  char       *unit_name;        /* of every row, or NULL for the farm: */
  GPtrArray  *unit_names;       /* char *, a row's each */
  GTimeZone  *timezone;
  GPtrArray  *entries;      /* FwLogbookEntry, with their states: */
  GPtrArray  *states;       /* char * */
  FwStock     stock;
} Report;

static void
report_free (Report *report)
{
  g_free (report->unit_name);
  g_ptr_array_unref (report->unit_names);
  g_time_zone_unref (report->timezone);
  g_ptr_array_unref (report->entries);
  g_ptr_array_unref (report->states);
  g_free (report);
}

static GBytes *
render_report (gpointer   user_data,
               GError   **error)
{
  Report *report = user_data;
  GString *csv = g_string_new (NULL);

  if (report->stock_report)
    {
      fw_report_stock_header (csv);
      fw_report_stock_row (csv, report->unit_name, &report->stock);
    }
  else
    {
      fw_report_logbook_header (csv);
      for (guint i = 0; i < report->entries->len; i++)
        fw_report_logbook_row (csv, g_ptr_array_index (report->entries, i),
                               g_ptr_array_index (report->unit_names, i),
                               g_ptr_array_index (report->states, i), report->timezone);
    }

  return g_string_free_to_bytes (csv);
}

/* What is on screen, as CSV: the entries listed, or the stock figures. */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwUnitLogbook *self = FW_UNIT_LOGBOOK (widget);
  gboolean stock = g_str_equal (g_variant_get_string (parameter, NULL), "stock");
  g_autofree char *file_name = NULL;
  Report *report;

  if (self->timezone == NULL || (stock && self->unit == NULL))
    return;

  report = g_new0 (Report, 1);
  report->stock_report = stock;
  report->unit_name = g_strdup (self->unit != NULL ? fw_unit_get_name (self->unit) : _("Farm"));
  report->unit_names = g_ptr_array_new_with_free_func (g_free);
  report->timezone = g_time_zone_ref (self->timezone);
  report->entries = g_ptr_array_new_with_free_func (g_object_unref);
  report->states = g_ptr_array_new_with_free_func (g_free);
  report->stock = self->stock;

  /* What the list shows, its filters applied. */
  for (guint i = 0; i < g_list_model_get_n_items (self->filtered); i++)
    {
      FwLogbookEntry *entry = g_list_model_get_item (self->filtered, i);

      g_ptr_array_add (report->entries, entry);
      g_ptr_array_add (report->states, describe_state (self, entry));
      g_ptr_array_add (report->unit_names, g_strdup (unit_name_of (self, entry)));
    }

  /* TRANSLATORS: suggested file names: the unit's name, then what the file holds */
  file_name = g_strdup_printf (stock ? _("%s stock.csv") : _("%s logbook.csv"), report->unit_name);
  fw_save_dialog_run (widget, stock ? _("Export Stock Report") : _("Export Logbook"),
                      file_name, "text/csv", _("CSV Spreadsheets"),
                      render_report, report, (GDestroyNotify) report_free);
}

/* The list as shown (its filters applied) and, for a unit, its stock. */
static FwPrintReport *
build_print_report (FwUnitLogbook *self)
{
  g_autofree char *range = NULL;
  FwPrintReport *report;
  GtkStringObject *when = gtk_drop_down_get_selected_item (self->when_dropdown);
  GtkStringObject *kind = gtk_drop_down_get_selected_item (self->kind_dropdown);

  /* TRANSLATORS: what a printed report covers: the time filter, the kind filter */
  range = g_strdup_printf (_("%s, %s"), gtk_string_object_get_string (when), gtk_string_object_get_string (kind));
  report = fw_print_report_new (self->unit != NULL ? fw_unit_get_name (self->unit) : _("Farm Logbook"), range);

  if (self->unit != NULL)
    {
      g_autofree char *alive = g_strdup_printf ("%" G_GINT64_FORMAT, self->stock.alive);
      g_autofree char *biomass = g_strdup_printf (_("%.1f kg"), self->stock.biomass_kg);
      g_autofree char *weight = isfinite (self->stock.mean_weight_g)
                                ? g_strdup_printf (_("%.1f g"), self->stock.mean_weight_g) : g_strdup ("—");
      g_autofree char *feed = g_strdup_printf (_("%.1f kg"), self->stock.feed_kg);
      g_autofree char *fcr = isfinite (self->stock.fcr_economic)
                             ? g_strdup_printf ("%.2f", self->stock.fcr_economic) : g_strdup ("—");
      g_autofree char *survival = isfinite (self->stock.survival_percent)
                                  ? g_strdup_printf (_("%.1f %%"), self->stock.survival_percent) : g_strdup ("—");

      fw_print_report_add_figure (report, _("Fish alive"), alive);
      fw_print_report_add_figure (report, _("Mean weight"), weight);
      fw_print_report_add_figure (report, _("Biomass"), biomass);
      fw_print_report_add_figure (report, _("Feed to date"), feed);
      fw_print_report_add_figure (report, _("FCR, economic"), fcr);
      fw_print_report_add_figure (report, _("Survival"), survival);
    }

  for (guint i = 0; i < g_list_model_get_n_items (self->filtered); i++)
    {
      g_autoptr(FwLogbookEntry) entry = g_list_model_get_item (self->filtered, i);
      g_autofree char *when_text = fw_format_local_time (fw_logbook_entry_get_occurred_at (entry), self->timezone);
      g_autofree char *details = fw_logbook_summarize (fw_logbook_entry_get_kind (entry),
                                                       fw_logbook_entry_get_payload (entry));

      fw_print_report_add_entry (report, when_text, unit_name_of (self, entry),
                                 fw_logbook_kind_get_label (fw_logbook_entry_get_kind (entry)), details);
    }

  return report;
}

static GBytes *
render_pdf (gpointer   user_data,
            GError   **error)
{
  return fw_print_report_to_pdf (user_data, error);
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwUnitLogbook *self = FW_UNIT_LOGBOOK (widget);
  FwPrintReport *report;
  g_autofree char *file_name = NULL;

  if (self->timezone == NULL)
    return;

  report = build_print_report (self);

  if (g_str_equal (g_variant_get_string (parameter, NULL), "print"))
    {
      g_autoptr(GError) error = NULL;
      GtkRoot *root = gtk_widget_get_root (widget);

      if (!fw_print_report_print (report, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error))
        fw_widget_add_toast (widget, error->message);
      return;
    }

  /* TRANSLATORS: the suggested name of a PDF report: the unit's name */
  file_name = g_strdup_printf (_("%s report.pdf"), self->unit != NULL ? fw_unit_get_name (self->unit) : _("Farm"));
  fw_save_dialog_run (widget, _("Export Report"), file_name, "application/pdf", _("PDF Documents"),
                      render_pdf, report, (GDestroyNotify) fw_print_report_free);
}

static void
fw_unit_logbook_class_init (FwUnitLogbookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_unit_logbook_dispose;

  gtk_widget_class_install_action (widget_class, "logbook.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "logbook.report", "s", report_action);
}

static void
fw_unit_logbook_init (FwUnitLogbook *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GtkFilterListModel) filtered = NULL;
  GtkWidget *bar, *new_button, *scroller, *clamp;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);

  self->entries = g_list_store_new (FW_TYPE_LOGBOOK_ENTRY);
  self->states = g_hash_table_new (g_str_hash, g_str_equal);
  self->unit_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->deleting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (bar, 12);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);

  gtk_string_list_append (labels, _("All Kinds"));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (labels, fw_logbook_kind_get_label (kinds[i]));
  self->kind_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_dropdown), _("Show One Kind of Entry"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Kind of entry to show"), -1);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (on_kind_selected_cb), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->kind_dropdown));

  {
    const char * const when[] = {
      N_("Any Time"), N_("Last 24 Hours"), N_("Last 7 Days"), N_("Last 30 Days"), N_("Last Year"), NULL,
    };
    g_autoptr(GtkStringList) whens = gtk_string_list_new (NULL);

    for (guint i = 0; when[i] != NULL; i++)
      gtk_string_list_append (whens, _(when[i]));
    self->when_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&whens)), NULL));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->when_dropdown), _("Show Entries of a Time"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->when_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Time of the entries to show"), -1);
    g_signal_connect_swapped (self->when_dropdown, "notify::selected", G_CALLBACK (on_kind_selected_cb), self);
    gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->when_dropdown));
  }

  {
    GtkWidget *export = gtk_menu_button_new ();

    self->export_button = GTK_MENU_BUTTON (export);
    set_export_menu (self, TRUE);
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (export), "document-save-symbolic");
    gtk_widget_set_tooltip_text (export, _("Export"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (export), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Export"), -1);
    gtk_box_append (GTK_BOX (bar), export);
  }

  new_button = gtk_button_new_with_mnemonic (_("_New Entry"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (new_button), "win.new-entry");
  gtk_widget_set_tooltip_text (new_button, _("New Logbook Entry (Ctrl+N)"));
  gtk_widget_set_hexpand (new_button, TRUE);
  gtk_widget_set_halign (new_button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (bar), new_button);
  gtk_box_append (GTK_BOX (self), bar);

  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->entries)),
                                        GTK_FILTER (g_object_ref (self->filter)));
  self->filtered = G_LIST_MODEL (g_object_ref (filtered));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (self->list), GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Logbook entries"), -1);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (filtered), create_row_cb, self, NULL);

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 800);
  gtk_widget_set_margin_top (clamp, 12);
  gtk_widget_set_margin_bottom (clamp, 12);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "document-edit-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Entries"));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, scroller, "list");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  update_stack (self);
}

/* Stock ----------------------------------------------------------------- */

struct _FwUnitStock
{
  AdwBin     parent_instance;

  GtkWidget *group;
  GPtrArray *values;     /* GtkLabel, in the order of the figures */
};

G_DEFINE_FINAL_TYPE (FwUnitStock, fw_unit_stock, ADW_TYPE_BIN)

typedef struct
{
  const char *title;
  const char *tooltip;
} Figure;

static const Figure figures[] = {
  { N_("Fish Alive"), N_("Stocked and moved in, less dead, harvested and moved out") },
  { N_("Mean Weight"), N_("The last weighing, projected to today at the growth rate") },
  { N_("Biomass"), N_("Fish alive × mean weight") },
  { N_("Density"), N_("Biomass over the unit’s volume, or its area for a pond without one") },
  { N_("Feed to Date"), N_("Every feeding logged") },
  { N_("FCR, Economic"), N_("Feed ÷ (biomass now + biomass removed − biomass stocked); fish that died count as lost") },
  { N_("FCR, Biological"), N_("Feed ÷ (the economic gain + the estimated weight of fish that died)") },
  { N_("Specific Growth Rate"), N_("100 × (ln last mean weight − ln first) ÷ days between them") },
  { N_("Survival"), N_("100 × (1 − dead ÷ fish stocked and moved in)") },
  { N_("Days in Culture"), N_("Since the first stocking") },
};

/* A figure, or what to say when there is none yet. */
#define FIGURE(value, ...) \
  (isfinite (value) ? g_strdup_printf (__VA_ARGS__) : g_strdup (_("Not known yet")))

/**
 * fw_unit_stock_set_stock:
 *
 * Shows the figures of @stock.
 */
void
fw_unit_stock_set_stock (FwUnitStock   *self,
                         const FwStock *stock)
{
  char *texts[G_N_ELEMENTS (figures)];

  g_return_if_fail (FW_IS_UNIT_STOCK (self));
  g_return_if_fail (stock != NULL);

  texts[0] = g_strdup_printf ("%" G_GINT64_FORMAT, stock->alive);
  texts[1] = FIGURE (stock->mean_weight_g, _("%.1f g"), stock->mean_weight_g);
  texts[2] = FIGURE (stock->mean_weight_g, _("%.1f kg"), stock->biomass_kg);
  texts[3] = stock->density_per_m3 ? FIGURE (stock->density, _("%.2f kg/m³"), stock->density)
                                   : FIGURE (stock->density, _("%.3f kg/m²"), stock->density);
  texts[4] = FIGURE (stock->feed_kg, _("%.1f kg"), stock->feed_kg);
  texts[5] = FIGURE (stock->fcr_economic, "%.2f", stock->fcr_economic);
  texts[6] = FIGURE (stock->fcr_biological, "%.2f", stock->fcr_biological);
  texts[7] = FIGURE (stock->sgr, _("%.2f %% a day"), stock->sgr);
  texts[8] = FIGURE (stock->survival_percent, _("%.1f %%"), stock->survival_percent);
  texts[9] = FIGURE (stock->days_in_culture, "%.0f", stock->days_in_culture);

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      gtk_label_set_label (g_ptr_array_index (self->values, i), texts[i]);
      g_free (texts[i]);
    }
}

static void
fw_unit_stock_dispose (GObject *object)
{
  FwUnitStock *self = FW_UNIT_STOCK (object);

  g_clear_pointer (&self->values, g_ptr_array_unref);

  G_OBJECT_CLASS (fw_unit_stock_parent_class)->dispose (object);
}

static void
fw_unit_stock_class_init (FwUnitStockClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fw_unit_stock_dispose;
}

static void
fw_unit_stock_init (FwUnitStock *self)
{
  GtkWidget *page = adw_preferences_page_new ();

  self->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group), _("Stock"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group),
                                         _("Worked out from the logbook, as of now"));
  self->values = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *value = gtk_label_new (_("Not known yet"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(figures[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(figures[i].tooltip));
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_add_css_class (value, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), row);
      g_ptr_array_add (self->values, value);
    }

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->group));
  adw_bin_set_child (ADW_BIN (self), page);
}
