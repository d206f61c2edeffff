/* fw-save-dialog.c — ask where to save, then write the file off the main thread
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every export goes the same way: the file chooser (a portal where there
 * is one), the contents made once a place is chosen, and GIO writing them
 * in a worker thread, whole or not at all: g_file_replace_contents keeps
 * the old file until the new one is complete. A toast on the page says
 * how it went.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-save-dialog.h"

typedef struct
{
  GtkWidget        *page;
  FwSaveRenderFunc  render;
  gpointer          user_data;
  GDestroyNotify    destroy;
  char             *display_name;
} Save;

static void
save_free (Save *save)
{
  if (save->destroy != NULL)
    save->destroy (save->user_data);
  g_clear_object (&save->page);
  g_clear_pointer (&save->display_name, g_free);
  g_free (save);
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Save *save = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    /* TRANSLATORS: a toast after an export; %s is the file name */
    text = g_strdup_printf (_("Saved “%s”"), save->display_name);
  else
    /* TRANSLATORS: a toast; the file name, then why it could not be written */
    text = g_strdup_printf (_("Could not save “%s”: %s"), save->display_name, error->message);

  fw_widget_add_toast (save->page, text);
  save_free (save);
}

static void
on_response_cb (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  Save *save = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);

  if (file == NULL)
    {
      save_free (save);
      return;
    }

  contents = save->render (save->user_data, &error);
  if (contents == NULL)
    {
      fw_widget_add_toast (save->page, error->message);
      save_free (save);
      return;
    }

  save->display_name = g_file_get_basename (file);
  g_file_replace_contents_bytes_async (file, contents, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_written_cb, save);
}

/**
 * fw_save_dialog_run:
 * @page: the dialog's parent, and where the toast that tells how it went
 *   appears
 * @title: the dialog's title
 * @file_name: the name suggested, with its extension
 * @render: makes the contents once a place is chosen
 * @destroy: (nullable): frees @user_data at the end, whatever happened
 *
 * Asks where to save, then writes the file.
 */
void
fw_save_dialog_run (GtkWidget        *page,
                    const char       *title,
                    const char       *file_name,
                    const char       *mime_type,
                    const char       *filter_name,
                    FwSaveRenderFunc  render,
                    gpointer          user_data,
                    GDestroyNotify    destroy)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;
  GtkRoot *root;
  Save *save;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (render != NULL);

  root = gtk_widget_get_root (page);
  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  save = g_new0 (Save, 1);
  save->page = g_object_ref (page);
  save->render = render;
  save->user_data = user_data;
  save->destroy = destroy;

  g_signal_connect (chooser, "response", G_CALLBACK (on_response_cb), save);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
