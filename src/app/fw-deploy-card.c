/* fw-deploy-card.c — one deployment environment at a glance
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verdict and its reason on top, then a row per thing an admin checks:
 * the server, its instances, its traffic, alerts, targets down, the last
 * deployment and pipeline, the error logs. A source that failed says so in
 * its own row, so a card is never blank. The rows are rebuilt from the
 * status's snapshot whenever it changes; the card holds no data itself.
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-deploy-card.h"

struct _FwDeployCard
{
  GtkBox          parent_instance;

  FwDeployStatus *status;

  GtkWidget      *state_badge;
  GtkImage       *state_icon;
  GtkLabel       *name_label;
  GtkLabel       *tier_label;
  GtkLabel       *state_label;
  GtkButton      *edit_button;
  GtkLabel       *reason_label;
  GtkLabel       *stale_label;
  GtkLabel       *updated_label;
  GtkSpinner     *spinner;
  GtkListBox     *details;
};

G_DEFINE_FINAL_TYPE (FwDeployCard, fw_deploy_card, GTK_TYPE_BOX)

static const char * const state_classes[] = { "unknown", "healthy", "degraded", "down" };

/**
 * fw_deploy_format_uptime:
 *
 * Returns: (transfer full): "up 3 h 20 min", "up 4 days", or "" when
 *   unknown
 */
char *
fw_deploy_format_uptime (gint64 seconds)
{
  if (seconds < 0)
    return g_strdup ("");

  if (seconds < 3600)
    /* TRANSLATORS: how long a server has run */
    return g_strdup_printf (_("up %d min"), (int) (seconds / 60));

  if (seconds < 2 * 86400)
    /* TRANSLATORS: how long a server has run, hours and minutes */
    return g_strdup_printf (_("up %d h %d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));

  return g_strdup_printf (ngettext ("up %d day", "up %d days", (int) (seconds / 86400)), (int) (seconds / 86400));
}

/**
 * fw_deploy_format_traffic:
 *
 * Returns: (transfer full): request rate, 5xx share and p95 latency in a
 *   line; a figure Prometheus had no value for shows as "–"
 */
char *
fw_deploy_format_traffic (const FwDeploySnapshot *snapshot)
{
  g_autofree char *rate = NULL;
  g_autofree char *ratio = NULL;
  g_autofree char *p95 = NULL;

  rate = isnan (snapshot->request_rate) ? g_strdup ("–")
         /* TRANSLATORS: requests per second */
         : g_strdup_printf (_("%.2f req/s"), snapshot->request_rate);
  ratio = isnan (snapshot->error_ratio) ? g_strdup ("–")
          /* TRANSLATORS: share of requests answered 5xx */
          : g_strdup_printf (_("%.1f%% 5xx"), snapshot->error_ratio * 100);
  if (isnan (snapshot->latency_p95))
    p95 = g_strdup ("–");
  else if (snapshot->latency_p95 < 1)
    /* TRANSLATORS: 95th percentile latency in milliseconds */
    p95 = g_strdup_printf (_("p95 %.0f ms"), snapshot->latency_p95 * 1000);
  else
    /* TRANSLATORS: 95th percentile latency in seconds */
    p95 = g_strdup_printf (_("p95 %.2f s"), snapshot->latency_p95);

  /* TRANSLATORS: rate · 5xx share · latency */
  return g_strdup_printf (_("%s · %s · %s"), rate, ratio, p95);
}

static GtkWidget *
add_row (FwDeployCard *self,
         const char   *title,
         const char   *subtitle,
         const char   *icon_name,
         const char   *style_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  if (icon_name != NULL)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), icon_name);
  if (style_class != NULL)
    gtk_widget_add_css_class (row, style_class);
  gtk_list_box_append (self->details, row);
  return row;
}

static void
add_error_row (FwDeployCard *self,
               const char   *message)
{
  add_row (self, message, NULL, "dialog-warning-symbolic", "deploy-problem");
}

static GtkWidget *
add_expander (FwDeployCard *self,
              const char   *title,
              const char   *subtitle)
{
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  gtk_list_box_append (self->details, row);
  return row;
}

static void
add_expander_child (GtkWidget  *expander,
                    const char *title,
                    const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
}

static void
add_link (GtkWidget  *row,
          const char *uri,
          const char *label,
          const char *tooltip)
{
  GtkWidget *button;

  if (uri == NULL)
    return;

  button = gtk_link_button_new_with_label (uri, label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static void
clear_details (FwDeployCard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details))) != NULL)
    gtk_list_box_remove (self->details, child);
}

static void
show_server (FwDeployCard           *self,
             const FwDeploySnapshot *snapshot)
{
  g_autofree char *uptime = fw_deploy_format_uptime (snapshot->uptime_s);
  g_autofree char *subtitle = NULL;

  if (snapshot->version != NULL)
    /* TRANSLATORS: version · commit · uptime, e.g. "0.4.0 · 1a2b3c4 · up 2 h 5 min" */
    subtitle = g_strdup_printf (_("%s · %s · %s"), snapshot->version, snapshot->commit ?: "?", uptime);

  if (snapshot->api_reachable)
    add_row (self, snapshot->ready ? _("Reachable and ready") : _("Reachable, not ready"),
             subtitle, snapshot->ready ? "emblem-ok-symbolic" : "dialog-error-symbolic",
             snapshot->ready ? NULL : "deploy-problem");
  if (snapshot->api_error != NULL)
    add_error_row (self, snapshot->api_error);
}

static void
show_prometheus (FwDeployCard           *self,
                 const FwDeploySnapshot *snapshot)
{
  if (snapshot->instances_up >= 0)
    {
      g_autofree char *title = g_strdup_printf (_("%d of %d instances up"),
                                                snapshot->instances_up, snapshot->instances_expected);
      g_autofree char *traffic = fw_deploy_format_traffic (snapshot);

      add_row (self, title, traffic, "fw-deploy-symbolic",
               snapshot->instances_up < snapshot->instances_expected ? "deploy-problem" : NULL);
    }

  if (!isnan (snapshot->ingest_per_minute))
    {
      g_autofree char *ingest = g_strdup_printf (_("%.0f readings ingested per minute"), snapshot->ingest_per_minute);

      add_row (self, ingest, NULL, "document-send-symbolic", NULL);
    }

  if (snapshot->alerts->len > 0)
    {
      guint firing = 0;
      g_autofree char *subtitle = NULL;
      GtkWidget *expander;

      for (guint i = 0; i < snapshot->alerts->len; i++)
        {
          FwDeployAlert *alert = g_ptr_array_index (snapshot->alerts, i);

          if (g_str_equal (alert->state, "firing"))
            firing++;
        }

      /* TRANSLATORS: alerts from Prometheus: "2 firing, 1 pending" */
      subtitle = g_strdup_printf (_("%u firing, %u pending"), firing, snapshot->alerts->len - firing);
      expander = add_expander (self, _("Alerts"), subtitle);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), firing > 0);
      if (firing > 0)
        gtk_widget_add_css_class (expander, "deploy-problem");

      for (guint i = 0; i < snapshot->alerts->len; i++)
        {
          FwDeployAlert *alert = g_ptr_array_index (snapshot->alerts, i);
          g_autofree char *title = NULL;

          /* TRANSLATORS: alert name (firing or pending, and its severity) */
          title = g_strdup_printf (_("%s (%s, %s)"), alert->name,
                                   g_str_equal (alert->state, "firing") ? _("firing") : _("pending"),
                                   alert->severity ?: _("no severity"));
          add_expander_child (expander, title, alert->summary);
        }
    }
  else if (snapshot->prometheus_reachable && snapshot->prometheus_error == NULL)
    add_row (self, _("No alert firing or pending"), NULL, "emblem-ok-symbolic", NULL);

  if (snapshot->targets_down->len > 0)
    {
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%u target down", "%u targets down",
                                                             snapshot->targets_down->len),
                                                   snapshot->targets_down->len);
      GtkWidget *expander = add_expander (self, _("Scrape Targets"), subtitle);

      gtk_widget_add_css_class (expander, "deploy-problem");
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
      for (guint i = 0; i < snapshot->targets_down->len; i++)
        {
          FwDeployTarget *target = g_ptr_array_index (snapshot->targets_down, i);

          add_expander_child (expander, target->instance ?: "?", target->last_error);
        }
    }

  if (snapshot->prometheus_error != NULL)
    add_error_row (self, snapshot->prometheus_error);
}

static void
show_gitlab (FwDeployCard           *self,
             const FwDeploySnapshot *snapshot)
{
  if (!snapshot->gitlab_configured)
    return;

  if (snapshot->deploy_commit != NULL)
    {
      g_autofree char *age = fw_format_age (snapshot->deploy_time, fw_now ());
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      /* TRANSLATORS: the last deployment's status, e.g. "Last deployment: success" */
      title = g_strdup_printf (_("Last deployment: %s"), snapshot->deploy_status);
      /* TRANSLATORS: commit, who deployed it, when; e.g. "9f8e7d6c by Release Bot, 2 hours ago" */
      subtitle = g_strdup_printf (_("%.8s by %s, %s"), snapshot->deploy_commit,
                                  snapshot->deploy_user ?: _("someone"), age);
      add_row (self, title, subtitle, "system-software-install-symbolic",
               g_strcmp0 (snapshot->deploy_status, "failed") == 0 ? "deploy-problem" : NULL);
    }
  else if (snapshot->gitlab_error == NULL)
    add_row (self, _("No deployment recorded in GitLab"), NULL, "system-software-install-symbolic", NULL);

  if (snapshot->commit_mismatch)
    {
      g_autofree char *title = g_strdup_printf (_("Runs %s, but GitLab deployed %.8s"),
                                                snapshot->commit, snapshot->deploy_commit);

      add_row (self, title, _("The running server is not the one last deployed"),
               "dialog-warning-symbolic", "deploy-problem");
    }

  if (snapshot->pipeline_status != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Last pipeline: %s"), snapshot->pipeline_status);
      GtkWidget *row = add_row (self, title, NULL, "emblem-system-symbolic",
                                g_strcmp0 (snapshot->pipeline_status, "failed") == 0 ? "deploy-problem" : NULL);

      add_link (row, snapshot->pipeline_url, _("Open"), _("Open the pipeline in GitLab"));
    }

  if (snapshot->gitlab_error != NULL)
    add_error_row (self, snapshot->gitlab_error);
}

static void
show_elastic (FwDeployCard           *self,
              const FwDeploySnapshot *snapshot)
{
  if (!snapshot->elastic_configured)
    return;

  if (snapshot->error_logs >= 0)
    {
      int count = (int) MIN (snapshot->error_logs, G_MAXINT);
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%d error in the last 15 minutes",
                                                             "%d errors in the last 15 minutes", count),
                                                   count);
      GtkWidget *expander = add_expander (self, _("Error Logs"), subtitle);

      for (guint i = 0; i < snapshot->error_messages->len; i++)
        add_expander_child (expander, g_ptr_array_index (snapshot->error_messages, i), NULL);
      gtk_widget_set_sensitive (expander, snapshot->error_messages->len > 0 || snapshot->kibana_link != NULL);
      add_link (expander, snapshot->kibana_link, _("Kibana"), _("Open these logs in Kibana"));
    }
  else if (snapshot->kibana_link != NULL)
    add_link (add_row (self, _("Error Logs"), NULL, NULL, NULL), snapshot->kibana_link, _("Kibana"),
              _("Open these logs in Kibana"));

  if (snapshot->elastic_error != NULL)
    add_error_row (self, snapshot->elastic_error);
}

static const char *
state_icon_name (FwDeployState state)
{
  switch (state)
    {
    case FW_DEPLOY_STATE_HEALTHY:
      return "emblem-ok-symbolic";
    case FW_DEPLOY_STATE_DEGRADED:
      return "dialog-warning-symbolic";
    case FW_DEPLOY_STATE_DOWN:
      return "dialog-error-symbolic";
    case FW_DEPLOY_STATE_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

static void
update (FwDeployCard *self)
{
  const FwDeployConfig *config = fw_deploy_status_get_config (self->status);
  const FwDeploySnapshot *snapshot = fw_deploy_status_get_snapshot (self->status);
  FwDeployState state = fw_deploy_status_get_state (self->status);
  g_autofree char *tier = NULL;
  g_autofree char *accessible = NULL;

  gtk_label_set_label (self->name_label, config->name);
  if (snapshot != NULL && snapshot->environment != NULL &&
      g_strcmp0 (snapshot->environment, fw_deploy_tier_to_string (config->tier)) != 0)
    /* TRANSLATORS: the configured tier, then what the server says it is */
    tier = g_strdup_printf (_("%s (the server says “%s”)"), fw_deploy_tier_get_label (config->tier),
                            snapshot->environment);
  else
    {
      g_autoptr(GUri) uri = config->api_url != NULL ? g_uri_parse (config->api_url, G_URI_FLAGS_NONE, NULL) : NULL;

      /* TRANSLATORS: the tier, then the API's host, e.g. "Staging · staging.example.org" */
      tier = uri != NULL ? g_strdup_printf (_("%s · %s"), fw_deploy_tier_get_label (config->tier), g_uri_get_host (uri))
                         : g_strdup (fw_deploy_tier_get_label (config->tier));
    }
  gtk_label_set_label (self->tier_label, tier);

  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (state));
  gtk_label_set_label (self->state_label, fw_deploy_state_get_label (state));
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    {
      gtk_widget_remove_css_class (self->state_badge, state_classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self), state_classes[i]);
    }
  gtk_widget_add_css_class (self->state_badge, state_classes[state]);
  gtk_widget_add_css_class (GTK_WIDGET (self), state_classes[state]);

  gtk_label_set_label (self->reason_label, fw_deploy_status_get_reason (self->status));
  gtk_widget_set_visible (GTK_WIDGET (self->stale_label), fw_deploy_status_get_stale (self->status));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stale_label), fw_deploy_status_get_stale_reason (self->status));
  fw_deploy_card_update_age (self, fw_now ());

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->edit_button), "s", config->id ?: "");

  /* TRANSLATORS: what a screen reader says of a card: name, state, reason */
  accessible = g_strdup_printf (_("%s: %s. %s"), config->name, fw_deploy_state_get_label (state),
                                fw_deploy_status_get_reason (self->status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  clear_details (self);
  if (snapshot == NULL)
    return;

  show_server (self, snapshot);
  show_prometheus (self, snapshot);
  show_gitlab (self, snapshot);
  show_elastic (self, snapshot);
}

static void
on_status_changed_cb (FwDeployCard *self)
{
  update (self);
}

static void
on_refreshing_changed_cb (FwDeployCard *self)
{
  fw_spinner_set_active (self->spinner, fw_deploy_status_get_refreshing (self->status));
}

static void
fw_deploy_card_dispose (GObject *object)
{
  FwDeployCard *self = FW_DEPLOY_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_DEPLOY_CARD);
  g_clear_object (&self->status);

  G_OBJECT_CLASS (fw_deploy_card_parent_class)->dispose (object);
}

static void
fw_deploy_card_class_init (FwDeployCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_deploy_card_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-deploy-card.ui");
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, state_badge);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, state_icon);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, tier_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, state_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, edit_button);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, reason_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, stale_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, updated_label);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, spinner);
  gtk_widget_class_bind_template_child (widget_class, FwDeployCard, details);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fw_deploy_card_init (FwDeployCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fw_deploy_card_new (FwDeployStatus *status)
{
  FwDeployCard *self;

  g_return_val_if_fail (FW_IS_DEPLOY_STATUS (status), NULL);

  self = g_object_new (FW_TYPE_DEPLOY_CARD, NULL);
  self->status = g_object_ref (status);
  g_signal_connect_object (status, "changed", G_CALLBACK (on_status_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (status, "notify::refreshing", G_CALLBACK (on_refreshing_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update (self);
  on_refreshing_changed_cb (self);
  return GTK_WIDGET (self);
}

FwDeployStatus *
fw_deploy_card_get_status (FwDeployCard *self)
{
  g_return_val_if_fail (FW_IS_DEPLOY_CARD (self), NULL);

  return self->status;
}

/**
 * fw_deploy_card_update_age:
 *
 * Says again how old the figures are; the page calls it every second.
 */
void
fw_deploy_card_update_age (FwDeployCard *self,
                           FwTime        now)
{
  const FwDeploySnapshot *snapshot;
  g_autofree char *updated = NULL;

  g_return_if_fail (FW_IS_DEPLOY_CARD (self));

  snapshot = fw_deploy_status_get_snapshot (self->status);
  updated = fw_deploy_format_updated (snapshot != NULL ? snapshot->fetched_at : 0, now);
  if (fw_deploy_status_get_stale (self->status))
    {
      /* TRANSLATORS: "Updated 5 min ago", then why it was not updated since */
      g_autofree char *text = g_strdup_printf (_("%s — %s"), updated, fw_deploy_status_get_stale_reason (self->status));

      gtk_label_set_label (self->updated_label, text);
    }
  else
    gtk_label_set_label (self->updated_label, updated);
}
