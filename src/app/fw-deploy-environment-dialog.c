/* fw-deploy-environment-dialog.c — where an environment is watched from
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Edits one environment: its name and tier, the addresses of its API,
 * Prometheus, GitLab and Elasticsearch, and the tokens, which the page
 * keeps in the keyring. Nothing is saved until every address reads as one;
 * the first field that does not is named above the form.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "fw-deploy-environment-dialog.h"

struct _FwDeployEnvironmentDialog
{
  AdwWindow             parent_instance;

  char                 *id;

  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  AdwEntryRow          *name_row;
  AdwComboRow          *tier_row;
  AdwEntryRow          *api_url_row;
  AdwPasswordEntryRow  *api_token_row;
  AdwEntryRow          *prometheus_url_row;
  GtkSpinButton        *expected_spin;
  AdwEntryRow          *gitlab_url_row;
  AdwEntryRow          *gitlab_project_row;
  AdwPasswordEntryRow  *gitlab_token_row;
  AdwEntryRow          *elastic_url_row;
  AdwPasswordEntryRow  *elastic_key_row;
  AdwEntryRow          *kibana_url_row;
  AdwPreferencesGroup  *remove_group;
};

G_DEFINE_FINAL_TYPE (FwDeployEnvironmentDialog, fw_deploy_environment_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_text (gpointer editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
set_text (gpointer    editable,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text ?: "");
}

static FwDeployConfig *
read_form (FwDeployEnvironmentDialog *self)
{
  FwDeployConfig *config = fw_deploy_config_new ();

  config->id = g_strdup (self->id);
  config->name = dup_text (self->name_row);
  config->tier = (FwDeployTier) adw_combo_row_get_selected (self->tier_row);
  config->api_url = dup_text (self->api_url_row);
  config->api_token = dup_text (self->api_token_row);
  config->prometheus_url = dup_text (self->prometheus_url_row);
  config->expected_instances = (guint) gtk_spin_button_get_value_as_int (self->expected_spin);
  config->gitlab_url = dup_text (self->gitlab_url_row);
  config->gitlab_project = dup_text (self->gitlab_project_row);
  config->gitlab_token = dup_text (self->gitlab_token_row);
  config->elastic_url = dup_text (self->elastic_url_row);
  config->elastic_api_key = dup_text (self->elastic_key_row);
  config->kibana_url = dup_text (self->kibana_url_row);
  return config;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fw_deploy_environment_dialog_save (FW_DEPLOY_ENVIRONMENT_DIALOG (widget));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FwDeployEnvironmentDialog *self = FW_DEPLOY_ENVIRONMENT_DIALOG (widget);

  g_signal_emit (self, signals[REMOVED], 0, self->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
fw_deploy_environment_dialog_finalize (GObject *object)
{
  FwDeployEnvironmentDialog *self = FW_DEPLOY_ENVIRONMENT_DIALOG (object);

  g_free (self->id);

  G_OBJECT_CLASS (fw_deploy_environment_dialog_parent_class)->finalize (object);
}

static void
fw_deploy_environment_dialog_class_init (FwDeployEnvironmentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fw_deploy_environment_dialog_finalize;

  /**
   * FwDeployEnvironmentDialog::saved:
   * @config: the environment, with its tokens
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FW_TYPE_DEPLOY_CONFIG);

  /**
   * FwDeployEnvironmentDialog::removed:
   * @id: the environment to forget
   */
  signals[REMOVED] =
    g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-deploy-environment-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, tier_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, api_token_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, prometheus_url_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, expected_spin);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, gitlab_url_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, gitlab_project_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, gitlab_token_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, elastic_url_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, elastic_key_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, kibana_url_row);
  gtk_widget_class_bind_template_child (widget_class, FwDeployEnvironmentDialog, remove_group);

  gtk_widget_class_install_action (widget_class, "environment.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "environment.remove", NULL, remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "environment.save", NULL);
}

static void
fw_deploy_environment_dialog_init (FwDeployEnvironmentDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * fw_deploy_environment_dialog_new:
 * @config: (nullable): the environment to edit, %NULL for a new one
 */
FwDeployEnvironmentDialog *
fw_deploy_environment_dialog_new (GtkWindow            *parent,
                                  const FwDeployConfig *config)
{
  FwDeployEnvironmentDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (FW_TYPE_DEPLOY_ENVIRONMENT_DIALOG,
                       "transient-for", parent,
                       NULL);

  if (config == NULL)
    {
      self->id = g_uuid_string_random ();
      gtk_window_set_title (GTK_WINDOW (self), _("New Environment"));
      gtk_widget_set_visible (GTK_WIDGET (self->remove_group), FALSE);
      return self;
    }

  self->id = g_strdup (config->id);
  set_text (self->name_row, config->name);
  adw_combo_row_set_selected (self->tier_row, config->tier);
  set_text (self->api_url_row, config->api_url);
  set_text (self->api_token_row, config->api_token);
  set_text (self->prometheus_url_row, config->prometheus_url);
  gtk_spin_button_set_value (self->expected_spin, config->expected_instances);
  set_text (self->gitlab_url_row, config->gitlab_url);
  set_text (self->gitlab_project_row, config->gitlab_project);
  set_text (self->gitlab_token_row, config->gitlab_token);
  set_text (self->elastic_url_row, config->elastic_url);
  set_text (self->elastic_key_row, config->elastic_api_key);
  set_text (self->kibana_url_row, config->kibana_url);
  return self;
}

/**
 * fw_deploy_environment_dialog_save:
 *
 * Emits ::saved and closes when the form reads as an environment;
 * otherwise says what to fix and stays.
 *
 * Returns: whether it was saved
 */
gboolean
fw_deploy_environment_dialog_save (FwDeployEnvironmentDialog *self)
{
  g_autoptr(FwDeployConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (FW_IS_DEPLOY_ENVIRONMENT_DIALOG (self), FALSE);

  config = read_form (self);
  if (!fw_deploy_config_validate (config, &error))
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
      return FALSE;
    }

  g_signal_emit (self, signals[SAVED], 0, config);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}
