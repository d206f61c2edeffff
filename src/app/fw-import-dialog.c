/* fw-import-dialog.c — sensor history from another system's CSV, mapped by hand
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three steps: choose the file; say which column is the time (its format
 * and zone) and what each other column measures, guessed from its name;
 * check, which reads the whole file and reports every row skipped and
 * why, then import into the chosen unit's sensors. The file is read, and
 * the readings written, in worker threads.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fw-app-util.h"
#include "fw-import-dialog.h"

struct _FwImportDialog
{
  AdwWindow            parent_instance;

  FwCache             *cache;
  GTimeZone           *timezone;
  GBytes              *contents;
  GPtrArray           *header;          /* char * */
  GPtrArray           *column_rows;     /* AdwComboRow, one per column but the time */
  FwImportMapping     *mapping;         /* as last checked */
  FwImportResult       result;
  GCancellable        *cancellable;      /* the dialog's life */
  GCancellable        *checking;         /* the check under way */
  gboolean             can_check;
  gboolean             can_import;
  gboolean             saving;

  GtkWidget           *import_button;
  AdwActionRow        *file_row;
  AdwComboRow         *time_row;
  AdwEntryRow         *format_row;
  AdwEntryRow         *zone_row;
  AdwComboRow         *unit_row;
  AdwPreferencesGroup *columns_group;
  GtkLabel            *report_label;
};

G_DEFINE_FINAL_TYPE (FwImportDialog, fw_import_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a column's name says it measures; FW_N_PARAMETERS for nothing. */
static guint
guess_parameter (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);
  static const struct { const char *word; FwParameter parameter; } words[] = {
    { "temp", FW_PARAMETER_TEMPERATURE },
    { "oxygen", FW_PARAMETER_DISSOLVED_OXYGEN },
    { "do", FW_PARAMETER_DISSOLVED_OXYGEN },
    { "ph", FW_PARAMETER_PH },
    { "ammonia", FW_PARAMETER_TOTAL_AMMONIA },
    { "tan", FW_PARAMETER_TOTAL_AMMONIA },
    { "nitrite", FW_PARAMETER_NITRITE },
    { "salin", FW_PARAMETER_SALINITY },
    { "turb", FW_PARAMETER_TURBIDITY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      gsize n = strlen (words[i].word);

      /* Short words must be whole: "do", not the "do" in "window". */
      if (n <= 3 ? (g_str_has_prefix (lower, words[i].word) && !g_ascii_isalpha (lower[n]))
                 : strstr (lower, words[i].word) != NULL)
        return words[i].parameter;
    }

  return FW_N_PARAMETERS;
}

/* The buttons follow their actions; the actions follow the steps. */
static void
set_can (FwImportDialog *self,
         gboolean        can_check,
         gboolean        can_import)
{
  self->can_check = can_check;
  self->can_import = can_import;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.check", can_check);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.import", can_import);
}

static void
invalidate (FwImportDialog *self)
{
  if (self->saving)
    return;

  /* A check of the old form counts for nothing now. */
  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);

  set_can (self, self->contents != NULL, FALSE);
  gtk_label_set_label (self->report_label, _("Check the file to see what would be imported."));
}

static void
build_columns (FwImportDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint time_guess = 0;

  for (guint i = 0; i < self->column_rows->len; i++)
    adw_preferences_group_remove (self->columns_group, g_ptr_array_index (self->column_rows, i));
  g_ptr_array_set_size (self->column_rows, 0);

  for (guint i = 0; i < self->header->len; i++)
    {
      g_autofree char *lower = g_utf8_strdown (g_ptr_array_index (self->header, i), -1);

      gtk_string_list_append (names, g_ptr_array_index (self->header, i));
      if (time_guess == 0 && (strstr (lower, "time") != NULL || strstr (lower, "date") != NULL ||
                              strstr (lower, "created") != NULL))
        time_guess = i;
    }
  adw_combo_row_set_model (self->time_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->time_row, time_guess);

  for (guint i = 0; i < self->header->len; i++)
    {
      g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
      GtkWidget *row = adw_combo_row_new ();
      guint guess = guess_parameter (g_ptr_array_index (self->header, i));

      gtk_string_list_append (choices, _("Skip"));
      for (guint p = 0; p < FW_N_PARAMETERS; p++)
        gtk_string_list_append (choices, fw_parameter_get_label (p));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (self->header, i));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), i == time_guess || guess == FW_N_PARAMETERS ? 0 : guess + 1);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (invalidate), self);
      g_object_set_data (G_OBJECT (row), "fw-column", GUINT_TO_POINTER (i));

      adw_preferences_group_add (self->columns_group, row);
      g_ptr_array_add (self->column_rows, row);
    }

  invalidate (self);
}

/* The header row, read as the importer reads it. */
static void
read_header (FwImportDialog *self)
{
  gsize length;
  const char *text = g_bytes_get_data (self->contents, &length);
  g_auto(GStrv) names = fw_import_read_header (text, length);

  g_ptr_array_set_size (self->header, 0);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    g_ptr_array_add (self->header, g_strdup (names[i]));
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FwImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  char *data = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &data, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fw_widget_add_toast (GTK_WIDGET (self->report_label), error->message);
      return;
    }

  g_clear_pointer (&self->contents, g_bytes_unref);
  self->contents = g_bytes_new_take (data, length);
  adw_action_row_set_subtitle (self->file_row, name);
  read_header (self);
  build_columns (self);
}

/**
 * fw_import_dialog_load:
 *
 * Reads @file off the main thread and offers its columns to map.
 */
void
fw_import_dialog_load (FwImportDialog *self,
                       GFile          *file)
{
  g_return_if_fail (FW_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_contents_async (file, self->cancellable, on_loaded_cb, g_object_ref (self));
}

static void
on_chosen_cb (GtkNativeDialog *chooser,
              int              response,
              gpointer         user_data)
{
  FwImportDialog *self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);

  if (file != NULL)
    fw_import_dialog_load (self, file);
  g_object_unref (self);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a CSV File"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  g_signal_connect (chooser, "response", G_CALLBACK (on_chosen_cb), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The mapping as the form says it; NULL with the reason when it cannot be. */
static FwImportMapping *
build_mapping (FwImportDialog  *self,
               GError         **error)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (gtk_editable_get_text (GTK_EDITABLE (self->zone_row)));
  guint time_column = adw_combo_row_get_selected (self->time_row);
  FwImportMapping *mapping;

  if (zone == NULL)
    {
      g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_BAD_FORMAT,
                   _("“%s” is not a time zone: write one such as UTC, +06:00 or Asia/Dhaka"),
                   gtk_editable_get_text (GTK_EDITABLE (self->zone_row)));
      return NULL;
    }

  if (time_column >= self->header->len)
    {
      g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_COLUMN, _("Choose the column that holds the time"));
      return NULL;
    }

  mapping = fw_import_mapping_new (g_ptr_array_index (self->header, time_column),
                                   gtk_editable_get_text (GTK_EDITABLE (self->format_row)), zone);

  for (guint i = 0; i < self->column_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->column_rows, i);
      guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "fw-column"));
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

      if (selected > 0 && selected <= FW_N_PARAMETERS && column != time_column)
        fw_import_mapping_add (mapping, g_ptr_array_index (self->header, column), selected - 1, 1);
    }

  if (mapping->columns->len == 0)
    {
      fw_import_mapping_free (mapping);
      g_set_error (error, FW_IMPORT_ERROR, FW_IMPORT_ERROR_NO_COLUMN,
                   _("Say what at least one column measures"));
      return NULL;
    }

  return mapping;
}

typedef struct
{
  GBytes          *contents;
  FwImportMapping *mapping;
  FwImportResult   result;
} Check;

static void
check_free (Check *check)
{
  g_bytes_unref (check->contents);
  fw_import_mapping_free (check->mapping);
  fw_import_result_clear (&check->result);
  g_free (check);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  GError *error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (check->contents, &length);

  if (fw_import_csv (text, length, check->mapping, &check->result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_checked_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FwImportDialog *self = FW_IMPORT_DIALOG (source);
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->report_label, error->message);
      return;
    }

  /* The dialog keeps what was checked, to import exactly that. */
  g_clear_pointer (&self->mapping, fw_import_mapping_free);
  fw_import_result_clear (&self->result);
  self->mapping = g_steal_pointer (&check->mapping);
  self->result = check->result;
  check->result.readings = NULL;

  report = fw_import_result_describe (&self->result);
  gtk_label_set_label (self->report_label, report);
  set_can (self, TRUE, self->result.values_imported > 0);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FwImportDialog *self = FW_IMPORT_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Check *check;

  if (self->contents == NULL || !self->can_check)
    return;

  check = g_new0 (Check, 1);
  check->mapping = build_mapping (self, &error);
  if (check->mapping == NULL)
    {
      gtk_label_set_label (self->report_label, error->message);
      g_free (check);
      return;
    }
  check->contents = g_bytes_ref (self->contents);

  gtk_label_set_label (self->report_label, _("Reading the file…"));
  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  self->checking = g_cancellable_new ();
  task = g_task_new (self, self->checking, on_checked_cb, NULL);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_task_run_in_thread (task, check_thread);
}

/* What an import writes: the worker thread owns all of it, so nothing the
 * dialog changes or frees meanwhile is read. */
typedef struct
{
  FwCache         *cache;
  gint64           unit_id;
  char            *unit_name;
  FwImportMapping *mapping;
  FwImportResult   result;
  guint            saved;
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->cache);
  g_free (save->unit_name);
  fw_import_mapping_free (save->mapping);
  fw_import_result_clear (&save->result);
  g_free (save);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Save *save = task_data;
  GError *error = NULL;

  if (fw_import_save (save->cache, save->unit_id, save->mapping, &save->result, &save->saved, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FwImportDialog *self = FW_IMPORT_DIALOG (source);
  Save *save = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  self->saving = FALSE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", save->unit_name, error->message);

      /* Checked again before another try: what was checked went with it. */
      gtk_label_set_label (self->report_label, message);
      set_can (self, self->contents != NULL, FALSE);
      return;
    }

  /* TRANSLATORS: a toast after an import: how many readings, and into which unit */
  text = g_strdup_printf (_("%u readings imported into %s"), save->saved, save->unit_name);
  g_signal_emit (self, signals[IMPORTED], 0, text);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwImportDialog *self = FW_IMPORT_DIALOG (widget);
  FwUnit *unit = adw_combo_row_get_selected_item (self->unit_row);
  g_autoptr(GTask) task = NULL;
  Save *save;

  if (self->mapping == NULL || unit == NULL || !self->can_import || self->saving)
    return;

  set_can (self, FALSE, FALSE);
  self->saving = TRUE;
  save = g_new0 (Save, 1);
  save->cache = g_object_ref (self->cache);
  save->unit_id = fw_record_get_id (FW_RECORD (unit));
  save->unit_name = g_strdup (fw_unit_get_name (unit));
  save->mapping = g_steal_pointer (&self->mapping);
  save->result = self->result;
  self->result.readings = NULL;

  /* Not cancellable: readings on their way are written whole, and the
   * dialog stays until they are (see close_request). */
  task = g_task_new (self, NULL, on_saved_cb, NULL);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  g_task_run_in_thread (task, save_thread);
}

/**
 * fw_import_dialog_new:
 * @units: (element-type FwUnit): the farm's units
 * @unit: (nullable): the unit to import into at first
 * @timezone: the farm's zone, offered for the file's times
 *
 * Returns: (transfer floating): the dialog
 */
FwImportDialog *
fw_import_dialog_new (GtkWindow  *parent,
                      FwCache    *cache,
                      GListModel *units,
                      FwUnit     *unit,
                      GTimeZone  *timezone)
{
  FwImportDialog *self = g_object_new (FW_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);

  g_return_val_if_fail (FW_IS_CACHE (cache), self);

  self->cache = g_object_ref (cache);
  self->timezone = g_time_zone_ref (timezone);
  gtk_editable_set_text (GTK_EDITABLE (self->zone_row), g_time_zone_get_identifier (timezone));

  adw_combo_row_set_model (self->unit_row, units);
  for (guint i = 0; unit != NULL && i < g_list_model_get_n_items (units); i++)
    {
      g_autoptr(FwUnit) item = g_list_model_get_item (units, i);

      if (g_str_equal (fw_record_get_uuid (FW_RECORD (item)), fw_record_get_uuid (FW_RECORD (unit))))
        adw_combo_row_set_selected (self->unit_row, i);
    }

  return self;
}

/**
 * fw_import_dialog_map_column:
 * @parameter: what @column measures, or -1 to skip it
 *
 * Maps a column as its row's list does.
 */
void
fw_import_dialog_map_column (FwImportDialog *self,
                             const char     *column,
                             int             parameter)
{
  g_return_if_fail (FW_IS_IMPORT_DIALOG (self));

  for (guint i = 0; i < self->column_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->column_rows, i);

      if (g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), column))
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), parameter < 0 ? 0 : (guint) parameter + 1);
    }
}

gboolean
fw_import_dialog_get_can_check (FwImportDialog *self)
{
  g_return_val_if_fail (FW_IS_IMPORT_DIALOG (self), FALSE);

  return self->can_check;
}

const char *
fw_import_dialog_get_report (FwImportDialog *self)
{
  g_return_val_if_fail (FW_IS_IMPORT_DIALOG (self), NULL);

  return gtk_label_get_label (self->report_label);
}

gboolean
fw_import_dialog_get_can_import (FwImportDialog *self)
{
  g_return_val_if_fail (FW_IS_IMPORT_DIALOG (self), FALSE);

  return self->can_import;
}

static gboolean
fw_import_dialog_close_request (GtkWindow *window)
{
  if (FW_IMPORT_DIALOG (window)->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (fw_import_dialog_parent_class)->close_request (window);
}

static void
fw_import_dialog_dispose (GObject *object)
{
  FwImportDialog *self = FW_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_clear_pointer (&self->contents, g_bytes_unref);
  g_clear_pointer (&self->header, g_ptr_array_unref);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_clear_pointer (&self->mapping, fw_import_mapping_free);
  fw_import_result_clear (&self->result);

  G_OBJECT_CLASS (fw_import_dialog_parent_class)->dispose (object);
}

static void
fw_import_dialog_class_init (FwImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_import_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = fw_import_dialog_close_request;

  /**
   * FwImportDialog::imported:
   * @message: what was imported, for a toast
   */
  signals[IMPORTED] =
    g_signal_new ("imported",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "import.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "import.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "import.import", NULL, import_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
group_new (const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  return group;
}

static void
fw_import_dialog_init (FwImportDialog *self)
{
  GtkWidget *box, *header, *cancel, *overlay, *page, *group, *choose, *check;

  self->header = g_ptr_array_new_with_free_func (g_free);
  self->column_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Import Sensor History"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 680);

  header = adw_header_bar_new ();
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->import_button = gtk_button_new_with_mnemonic (_("_Import"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->import_button), "import.import");
  gtk_widget_add_css_class (self->import_button, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->import_button);

  page = adw_preferences_page_new ();

  group = group_new (_("File"));
  self->file_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), _("CSV file with a header row"));
  adw_action_row_set_subtitle (self->file_row, _("None chosen"));
  choose = gtk_button_new_with_mnemonic (_("C_hoose…"));
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (choose), "import.choose");
  adw_action_row_add_suffix (self->file_row, choose);
  adw_action_row_set_activatable_widget (self->file_row, choose);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->file_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = group_new (_("Time"));
  self->time_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->time_row), _("Column"));
  g_signal_connect_swapped (self->time_row, "notify::selected", G_CALLBACK (invalidate), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->time_row));
  self->format_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->format_row),
                                 _("Format (%Y year, %m month, %d day, %H:%M:%S time)"));
  gtk_editable_set_text (GTK_EDITABLE (self->format_row), "%Y-%m-%d %H:%M:%S");
  g_signal_connect_swapped (self->format_row, "changed", G_CALLBACK (invalidate), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->format_row));
  self->zone_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->zone_row), _("Time zone of the file"));
  g_signal_connect_swapped (self->zone_row, "changed", G_CALLBACK (invalidate), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->zone_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  self->columns_group = ADW_PREFERENCES_GROUP (group_new (_("What Each Column Measures")));
  adw_preferences_group_set_description (self->columns_group,
                                         _("Guessed from their names once a file is chosen; set what each holds"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->columns_group);

  group = group_new (_("Into"));
  self->unit_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->unit_row), _("Unit"));
  adw_combo_row_set_expression (self->unit_row, gtk_property_expression_new (FW_TYPE_UNIT, NULL, "name"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->unit_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = group_new (_("Check"));
  check = gtk_button_new_with_mnemonic (_("Chec_k the File"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (check), "import.check");
  gtk_widget_set_halign (check, GTK_ALIGN_START);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), check);
  self->report_label = GTK_LABEL (gtk_label_new (_("Choose a file to begin.")));
  gtk_label_set_xalign (self->report_label, 0);
  gtk_label_set_wrap (self->report_label, TRUE);
  gtk_label_set_selectable (self->report_label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->report_label), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->report_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What the file holds"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->report_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  set_can (self, FALSE, FALSE);

  overlay = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_widget_set_vexpand (overlay, TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), overlay);
  adw_window_set_content (ADW_WINDOW (self), box);
}
