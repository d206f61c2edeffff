/* fw-sync-page.c — the account, what waits, what the server refused
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every refused change is listed with the server's reason and can be
 * dropped; every conflict with both versions, and the user keeps one.
 * Nothing is decided for the user behind their back.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fw-app-util.h"
#include "fw-sign-in-dialog.h"
#include "fw-sync-page.h"

struct _FwSyncPage
{
  GtkBox               parent_instance;

  FwSyncController    *controller;
  FwCache             *cache;
  GPtrArray           *rows;        /* rows added to the three lists */
  GCancellable        *loading;     /* the latest read of the lists */
  GCancellable        *cancellable; /* the page's own work, until disposed */

  AdwActionRow        *account_row;
  GtkWidget           *sign_in_button;
  GtkWidget           *sign_out_button;
  AdwActionRow        *status_row;
  GtkLabel            *last_sync_label;
  GtkLabel            *pending_label;
  AdwComboRow         *interval_row;
  GtkSpinButton       *history_spin;
  AdwPreferencesGroup *pending_group;
  AdwPreferencesGroup *conflicts_group;
  AdwPreferencesGroup *rejected_group;
};

G_DEFINE_FINAL_TYPE (FwSyncPage, fw_sync_page, FW_TYPE_PAGE)

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/* A record in words: "Feeding · Pond 4" for a logbook entry, "Unit · Pond 4"
 * for the rest. */
static char *
describe_payload (FwEntity     entity,
                  const char  *payload,
                  GHashTable  *unit_names)
{
  g_autoptr(JsonNode) node = json_from_string (payload, NULL);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *kind = NULL;
  const char *name = NULL;

  if (object == NULL)
    return g_strdup (fw_entity_get_label (entity));

  if (entity == FW_ENTITY_LOGBOOK_ENTRY)
    {
      const char *unit = get_string (object, "unit_id");

      kind = fw_logbook_kind_get_label (get_string (object, "kind")) ?: fw_entity_get_label (entity);
      name = unit != NULL ? g_hash_table_lookup (unit_names, unit) : NULL;
      if (name == NULL)
        return g_strdup (kind);
    }
  else if (entity == FW_ENTITY_ALERT || entity == FW_ENTITY_ALERT_RULE)
    {
      const char *unit = get_string (object, "unit_id");
      FwParameter parameter;

      kind = fw_entity_get_label (entity);
      if (get_string (object, "parameter") != NULL &&
          fw_parameter_from_id (get_string (object, "parameter"), &parameter))
        kind = fw_parameter_get_label (parameter);
      name = unit != NULL ? g_hash_table_lookup (unit_names, unit) : NULL;
      if (name == NULL)
        name = unit == NULL ? _("Whole farm") : NULL;

      /* TRANSLATORS: an alert or alert rule in a list: what, and where,
       * e.g. "Alert: Dissolved oxygen · Pond 4" */
      return g_strdup_printf (_("%s: %s · %s"), fw_entity_get_label (entity), kind, name != NULL ? name : "?");
    }
  else
    {
      kind = fw_entity_get_label (entity);
      name = get_string (object, "name") ?: get_string (object, "kind");
    }

  /* TRANSLATORS: a record in a list: what it is and where, e.g. "Feeding · Pond 4" */
  return g_strdup_printf (_("%s · %s"), kind, name != NULL ? name : "?");
}

static void
clear_rows (FwSyncPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
report_error (FwSyncPage   *self,
              const GError *error)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    fw_toast_overlay_add_text (ADW_TOAST_OVERLAY (overlay), error->message);
}

/* What the page reads from the cache, on a worker thread: a choice the
 * user made first, if any, then the three lists. */
#define WAITING_SHOWN 100
#define REJECTED_SHOWN 200

typedef enum
{
  JOB_LOAD,
  JOB_KEEP_MINE,
  JOB_USE_SERVERS,
  JOB_DISCARD,
} JobKind;

typedef struct
{
  JobKind     kind;
  gint64      id;              /* the conflict, or the outbox entry */
  GError     *choice_error;    /* the choice failed; the lists still came */
  GError     *list_error;      /* the lists could not be read */
  GPtrArray  *waiting;
  GPtrArray  *conflicts;
  GPtrArray  *rejected;
  GHashTable *unit_names;      /* uuid → name, to describe entries */
  guint       n_rejected;
} Job;

static void
job_free (Job *job)
{
  g_clear_error (&job->choice_error);
  g_clear_error (&job->list_error);
  g_clear_pointer (&job->waiting, g_ptr_array_unref);
  g_clear_pointer (&job->conflicts, g_ptr_array_unref);
  g_clear_pointer (&job->rejected, g_ptr_array_unref);
  g_clear_pointer (&job->unit_names, g_hash_table_unref);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  FwCache *cache = g_object_get_data (G_OBJECT (task), "fw-cache");
  Job *job = task_data;

  switch (job->kind)
    {
    case JOB_KEEP_MINE:
    case JOB_USE_SERVERS:
      fw_cache_resolve_conflict (cache, job->id, job->kind == JOB_KEEP_MINE, &job->choice_error);
      break;
    case JOB_DISCARD:
      fw_cache_discard_rejected (cache, job->id, &job->choice_error);
      break;
    case JOB_LOAD:
    default:
      break;
    }

  /* A choice that was made is reported as made, even if reading the
   * lists after it fails. */
  job->waiting = fw_cache_list_outbox (cache, FW_OUTBOX_PENDING, WAITING_SHOWN, &job->list_error);
  if (job->waiting != NULL)
    job->conflicts = fw_cache_list_conflicts (cache, &job->list_error);
  if (job->conflicts != NULL)
    job->rejected = fw_cache_list_outbox (cache, FW_OUTBOX_REJECTED, REJECTED_SHOWN, &job->list_error);
  if (job->rejected != NULL &&
      fw_cache_count_outbox (cache, NULL, &job->n_rejected, NULL, &job->list_error))
    job->unit_names = fw_cache_get_unit_names (cache, &job->list_error);

  g_task_return_boolean (task, TRUE);
}

static void show_lists (FwSyncPage *self, Job *job);

static void
on_job_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FwSyncPage *self = FW_SYNC_PAGE (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        report_error (self, error);
      return;
    }

  /* Lists read after a choice are the freshest: a read that may have
   * begun before the choice was saved is dropped. */
  if (job->kind != JOB_LOAD)
    g_cancellable_cancel (self->loading);

  if (job->choice_error != NULL)
    report_error (self, job->choice_error);
  else if (job->kind == JOB_KEEP_MINE || job->kind == JOB_USE_SERVERS)
    fw_sync_controller_sync_now (self->controller);

  if (job->list_error != NULL)
    report_error (self, job->list_error);
  else
    show_lists (self, job);
}

static void
run_job (FwSyncPage *self,
         JobKind     kind,
         gint64      id)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable = self->cancellable;
  Job *job;

  if (self->cache == NULL)
    return;

  /* A newer read makes an older one moot; a choice is never dropped. */
  if (kind == JOB_LOAD)
    {
      g_cancellable_cancel (self->loading);
      g_clear_object (&self->loading);
      self->loading = cancellable = g_cancellable_new ();
    }

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->id = id;

  task = g_task_new (self, cancellable, on_job_done_cb, NULL);
  g_task_set_source_tag (task, run_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_return_on_cancel (task, kind == JOB_LOAD);
  g_object_set_data_full (G_OBJECT (task), "fw-cache", g_object_ref (self->cache), g_object_unref);
  g_task_run_in_thread (task, job_thread);
}

static void
on_resolve_clicked_cb (GtkButton  *button,
                       FwSyncPage *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "fw-conflict"));
  gboolean keep_local = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "fw-keep-local"));

  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (button)), FALSE);
  run_job (self, keep_local ? JOB_KEEP_MINE : JOB_USE_SERVERS, id);
}

static void
on_discard_clicked_cb (GtkButton  *button,
                       FwSyncPage *self)
{
  gint64 seq = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "fw-seq"));

  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (button)), FALSE);
  run_job (self, JOB_DISCARD, seq);
}

static GtkWidget *
row_button (FwSyncPage *self,
            const char *label,
            GCallback   callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

/* Names and reasons come from people and servers: text, never markup. */
static GtkWidget *
text_row_new (void)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  return row;
}

static void
add_row (FwSyncPage          *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
show_lists (FwSyncPage *self,
            Job        *job)
{
  GPtrArray *waiting = job->waiting;
  GPtrArray *conflicts = job->conflicts;
  GPtrArray *rejected = job->rejected;
  guint pending = fw_sync_controller_get_pending (self->controller);

  clear_rows (self);

  for (guint i = 0; i < waiting->len; i++)
    {
      FwOutboxEntry *entry = g_ptr_array_index (waiting, i);
      g_autofree char *title = describe_payload (entry->entity, entry->payload, job->unit_names);
      g_autofree char *when = fw_format_local_time (entry->created_at, NULL);
      GtkWidget *row = text_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      /* TRANSLATORS: when a waiting change was made, e.g. "Changed 27 November, 14:05" */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), entry->delete ? _("Deleted") : when);
      add_row (self, self->pending_group, row);
    }
  /* A long day offline: the oldest are listed, the rest counted. */
  if (pending > waiting->len)
    {
      GtkWidget *row = text_row_new ();
      guint more = pending - waiting->len;
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "And %u more change",
                                                             "And %u more changes", more), more);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      add_row (self, self->pending_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->pending_group), waiting->len > 0);

  for (guint i = 0; i < conflicts->len; i++)
    {
      FwConflict *conflict = g_ptr_array_index (conflicts, i);
      g_autofree char *mine = describe_payload (conflict->entity, conflict->local_payload, job->unit_names);
      g_autofree char *theirs = describe_payload (conflict->entity, conflict->server_payload, job->unit_names);
      g_autofree char *subtitle = g_strdup_printf (_("Server’s version: %s"), theirs);
      GtkWidget *row = text_row_new ();
      GtkWidget *keep_mine = row_button (self, _("Keep _Mine"), G_CALLBACK (on_resolve_clicked_cb));
      GtkWidget *keep_theirs = row_button (self, _("Use _Server’s"), G_CALLBACK (on_resolve_clicked_cb));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mine);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data (G_OBJECT (keep_mine), "fw-conflict", GSIZE_TO_POINTER (conflict->id));
      g_object_set_data (G_OBJECT (keep_mine), "fw-keep-local", GINT_TO_POINTER (TRUE));
      g_object_set_data (G_OBJECT (keep_theirs), "fw-conflict", GSIZE_TO_POINTER (conflict->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), keep_mine);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), keep_theirs);
      add_row (self, self->conflicts_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group), conflicts->len > 0);

  for (guint i = 0; i < rejected->len; i++)
    {
      FwOutboxEntry *entry = g_ptr_array_index (rejected, i);
      g_autofree char *title = describe_payload (entry->entity, entry->payload, job->unit_names);
      GtkWidget *row = text_row_new ();
      GtkWidget *discard = row_button (self, _("_Discard"), G_CALLBACK (on_discard_clicked_cb));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), entry->error ?: _("No reason given"));
      g_object_set_data (G_OBJECT (discard), "fw-seq", GSIZE_TO_POINTER (entry->seq));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
      add_row (self, self->rejected_group, row);
    }
  if (job->n_rejected > rejected->len)
    {
      GtkWidget *row = text_row_new ();
      guint more = job->n_rejected - rejected->len;
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "And %u more refused change",
                                                             "And %u more refused changes", more), more);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Discard some to see the rest"));
      add_row (self, self->rejected_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rejected_group), rejected->len > 0);
}

/* Shows the account and status at once, and reads the lists again on a
 * worker thread. */
void
fw_sync_page_reload (FwSyncPage *self)
{
  g_autofree char *account = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *last = NULL;
  FwSyncState state;
  FwTime last_success;

  g_return_if_fail (FW_IS_SYNC_PAGE (self));

  if (self->controller == NULL)
    return;

  state = fw_sync_controller_get_state (self->controller);
  if (state == FW_SYNC_STATE_SIGNED_OUT)
    account = g_strdup (_("Not signed in"));
  else
    /* TRANSLATORS: the account: user name and server address */
    account = g_strdup_printf (_("%s on %s"), fw_sync_controller_get_username (self->controller),
                               fw_sync_controller_get_server_url (self->controller));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), account);
  gtk_widget_set_visible (self->sign_in_button,
                          state == FW_SYNC_STATE_SIGNED_OUT || state == FW_SYNC_STATE_NEEDS_SIGN_IN);
  gtk_widget_set_visible (self->sign_out_button, state != FW_SYNC_STATE_SIGNED_OUT);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                 fw_sync_controller_get_description (self->controller));

  last_success = fw_sync_controller_get_last_success (self->controller);
  last = last_success > 0 ? fw_format_local_time (last_success, NULL) : g_strdup (_("Never"));
  gtk_label_set_label (self->last_sync_label, last);
  pending = g_strdup_printf ("%u", fw_sync_controller_get_pending (self->controller));
  gtk_label_set_label (self->pending_label, pending);

  run_job (self, JOB_LOAD, 0);
}

/* The choices of the "Sync every" row, in seconds. */
static const guint intervals[] = { 60, 300, 900, 3600, 21600 };

static void
on_interval_selected_cb (FwSyncPage *self)
{
  guint selected = adw_combo_row_get_selected (self->interval_row);

  if (self->controller != NULL && selected < G_N_ELEMENTS (intervals))
    g_settings_set_uint (fw_sync_controller_get_settings (self->controller), "sync-interval", intervals[selected]);
}

/* The choice nearest the setting, which may have been set by hand. */
static void
show_interval (FwSyncPage *self)
{
  guint seconds = g_settings_get_uint (fw_sync_controller_get_settings (self->controller), "sync-interval");
  guint nearest = 0;

  for (guint i = 1; i < G_N_ELEMENTS (intervals); i++)
    {
      if (ABS ((gint64) intervals[i] - seconds) < ABS ((gint64) intervals[nearest] - seconds))
        nearest = i;
    }

  g_signal_handlers_block_by_func (self->interval_row, on_interval_selected_cb, self);
  adw_combo_row_set_selected (self->interval_row, nearest);
  g_signal_handlers_unblock_by_func (self->interval_row, on_interval_selected_cb, self);
}

static void
on_controller_changed_cb (FwSyncPage *self)
{
  fw_sync_page_reload (self);
}

void
fw_sync_page_set_controller (FwSyncPage       *self,
                             FwSyncController *controller,
                             FwCache          *cache)
{
  g_return_if_fail (FW_IS_SYNC_PAGE (self));
  g_return_if_fail (FW_IS_SYNC_CONTROLLER (controller));

  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      g_signal_handlers_disconnect_by_data (fw_sync_controller_get_settings (self->controller), self);
    }
  g_set_object (&self->controller, controller);
  g_set_object (&self->cache, cache);

  g_signal_connect_object (controller, "notify", G_CALLBACK (on_controller_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fw_sync_controller_get_settings (controller), "changed::sync-interval",
                           G_CALLBACK (show_interval), self, G_CONNECT_SWAPPED);
  g_settings_bind (fw_sync_controller_get_settings (controller), "raw-history-days",
                   self->history_spin, "value", G_SETTINGS_BIND_DEFAULT);
  show_interval (self);
  g_signal_connect_object (controller, "synced", G_CALLBACK (on_controller_changed_cb), self, G_CONNECT_SWAPPED);
  fw_sync_page_reload (self);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FwSyncPage *self = FW_SYNC_PAGE (widget);
  GtkWidget *dialog;

  if (self->controller == NULL)
    return;

  dialog = fw_sign_in_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->controller);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FwSyncPage *self = FW_SYNC_PAGE (widget);

  if (self->controller != NULL)
    fw_sync_controller_sign_out (self->controller);
}

static void
fw_sync_page_dispose (GObject *object)
{
  FwSyncPage *self = FW_SYNC_PAGE (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FW_TYPE_SYNC_PAGE);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->controller);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (fw_sync_page_parent_class)->dispose (object);
}

static void
fw_sync_page_class_init (FwSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_sync_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/fw-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, account_row);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, interval_row);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, history_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_interval_selected_cb);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, pending_group);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, conflicts_group);
  gtk_widget_class_bind_template_child (widget_class, FwSyncPage, rejected_group);

  gtk_widget_class_install_action (widget_class, "sync-page.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "sync-page.sign-out", NULL, sign_out_action);
}

static void
fw_sync_page_init (FwSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->pending_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->rejected_group), FALSE);
}
