/* fw-sign-in-dialog.c — server, user name and password
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Errors stay in the dialog, under the fields, in the words of the sync
 * engine: unreachable, untrusted certificate, wrong password, too many
 * attempts. The dialog closes only on success. A farm that runs its own
 * certificate authority picks its file here; it is kept with the session.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-sign-in-dialog.h"

struct _FwSignInDialog
{
  AdwWindow         parent_instance;

  FwSyncController *controller;
  GCancellable     *cancellable;

  AdwEntryRow      *server_row;
  AdwEntryRow      *username_row;
  AdwEntryRow      *password_row;
  AdwActionRow     *ca_row;
  GtkWidget        *clear_ca_button;
  GtkLabel         *error_label;
  GtkSpinner       *spinner;
  GtkWidget        *sign_in_button;

  char             *ca_file;          /* "" for the system's certificates */
  GtkNativeDialog  *chooser;
};

G_DEFINE_FINAL_TYPE (FwSignInDialog, fw_sign_in_dialog, ADW_TYPE_WINDOW)

static void
set_busy (FwSignInDialog *self,
          gboolean        busy)
{
  fw_spinner_set_active (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ca_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit", !busy);
}

static void
set_ca_file (FwSignInDialog *self,
             const char     *path)
{
  g_autofree char *name = NULL;

  g_free (self->ca_file);
  self->ca_file = g_strdup (path ?: "");

  if (*self->ca_file != '\0')
    name = g_filename_display_basename (self->ca_file);
  adw_action_row_set_subtitle (self->ca_row, name ?: _("System certificates only"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->ca_row), *self->ca_file != '\0' ? self->ca_file : NULL);
  gtk_widget_set_visible (self->clear_ca_button, *self->ca_file != '\0');
}

static void
show_error (FwSignInDialog *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FwSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fw_sync_controller_sign_in_finish (FW_SYNC_CONTROLLER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (g_error_matches (error, FW_SYNC_ERROR, FW_SYNC_ERROR_INVALID) ||
                                         g_error_matches (error, FW_SYNC_ERROR, FW_SYNC_ERROR_UNREACHABLE)
                                         ? self->server_row : self->password_row));
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
on_ca_chosen_cb (FwSignInDialog *self,
                 int             response)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        {
          set_ca_file (self, path);
          show_error (self, NULL);
        }
      else
        show_error (self, _("Choose a certificate authority file on this computer"));
    }

  g_clear_object (&self->chooser);
}

static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FwSignInDialog *self = FW_SIGN_IN_DIALOG (widget);
  g_autoptr(GtkFileFilter) certificates = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) everything = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (certificates, _("PEM Certificates"));
  gtk_file_filter_add_mime_type (certificates, "application/x-pem-file");
  gtk_file_filter_add_mime_type (certificates, "application/x-x509-ca-cert");
  gtk_file_filter_add_suffix (certificates, "pem");
  gtk_file_filter_add_suffix (certificates, "crt");
  gtk_file_filter_set_name (everything, _("All Files"));
  gtk_file_filter_add_pattern (everything, "*");

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Choose Certificate Authority File"),
                                                                  GTK_WINDOW (self),
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Choose"), _("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), certificates);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), everything);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_ca_chosen_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
clear_ca_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FwSignInDialog *self = FW_SIGN_IN_DIALOG (widget);

  set_ca_file (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->ca_row));
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwSignInDialog *self = FW_SIGN_IN_DIALOG (widget);
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*server == '\0' || *username == '\0' || *password == '\0')
    {
      show_error (self, _("Fill in the server address, your user name and your password"));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  fw_sync_controller_sign_in_async (self->controller, server, username, password, self->ca_file,
                                    self->cancellable, on_signed_in_cb, g_object_ref (self));
}

static void
on_entry_activated_cb (FwSignInDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

static void
fw_sign_in_dialog_dispose (GObject *object)
{
  FwSignInDialog *self = FW_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_SIGN_IN_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->ca_file, g_free);

  G_OBJECT_CLASS (fw_sign_in_dialog_parent_class)->dispose (object);
}

static void
fw_sign_in_dialog_class_init (FwSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_sign_in_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, ca_row);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, clear_ca_button);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FwSignInDialog, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "sign-in.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "sign-in.clear-ca", NULL, clear_ca_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fw_sign_in_dialog_init (FwSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
fw_sign_in_dialog_new (GtkWindow        *parent,
                       FwSyncController *controller)
{
  FwSignInDialog *self;
  const char *server;
  const char *username;
  g_autofree char *ca_file = NULL;

  g_return_val_if_fail (FW_IS_SYNC_CONTROLLER (controller), NULL);

  self = g_object_new (FW_TYPE_SIGN_IN_DIALOG, "transient-for", parent, NULL);
  self->controller = g_object_ref (controller);

  /* Signing in again: what was used last time is filled in. */
  server = fw_sync_controller_get_server_url (controller);
  username = fw_sync_controller_get_username (controller);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username ?: "");
  ca_file = fw_sync_controller_dup_ca_file (controller);
  set_ca_file (self, ca_file);
  gtk_widget_grab_focus (GTK_WIDGET (server != NULL && *server != '\0' ?
                                     (username != NULL && *username != '\0' ? self->password_row : self->username_row) :
                                     self->server_row));

  return GTK_WIDGET (self);
}
