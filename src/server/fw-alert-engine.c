/* fw-alert-engine.c — the server's alert evaluation: readings in, alerts out
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One FwAlertWatch per sensor, kept in memory, fed every reading an ingest
 * accepted and ticked on a timer for silence. What a watch finds becomes an
 * alert record in the store, written as the server: a new alert when one
 * fires, the open one updated when it escalates or resolves. Alerts then
 * travel to clients by sync like any other record.
 *
 * A watch is built the first time its sensor reports, or on the first tick
 * for every sensor that has readings: its settings from the farm's rules
 * or the species' defaults, the farm's time zone for night and
 * dawn, its maintenance windows, the alerts still open in the store (the
 * store outlives the process), and the last hours of readings, so that
 * trends, the dawn projection and silence do not start from nothing after
 * a restart. Rules are read again a minute after they were last read, and
 * at once when this process applies a change to one; another instance's
 * change arrives within the minute.
 *
 * The store is the truth. This is a cache of evaluation state, and several
 * server instances each keep their own: a sensor's gateway talks to one of
 * them at a time, an alert another instance raised is found in the store
 * when a watch is built, and silence is judged by the newest reading the
 * store has, not only by what this instance has seen.
 *
 * Handlers run in worker threads, so one mutex guards everything here. It
 * is held while a batch is evaluated and its alerts are written, which
 * keeps each sensor's readings in order; alert writes are rare next to
 * readings.
 */

#include "config.h"

#include <math.h>

#include "fw-alert-engine.h"
#include "fw-server-log.h"

/* Enough history for the trend (one hour), the dawn projection (three
 * hours) and the watch's five-hour memory of means. */
#define WARM_UP_SECONDS (6 * 3600)
#define RULES_TTL_USEC  (60 * G_USEC_PER_SEC)

typedef struct
{
  char       *uuid;
  GTimeZone  *zone;
  GPtrArray  *rules;        /* FwAlertRule */
  gint64      loaded_at;    /* monotonic; 0: read again before use */
  guint       generation;   /* bumped on every reload */
} Farm;

typedef struct
{
  char         *sensor_uuid;
  char         *unit_uuid;
  char         *species;
  Farm         *farm;        /* owned by the engine's farms */
  FwParameter   parameter;
  double        plausible_min;
  double        plausible_max;
  FwAlertWatch *watch;
  gboolean      enabled;     /* a rule may turn a parameter's alerts off */
  guint         generation;  /* the farm's, when settings were last set */
  FwAlert      *open[FW_N_ALERT_CONDITIONS];
} Watch;

struct _FwAlertEngine
{
  GObject     parent_instance;

  FwStore    *store;
  GMutex      lock;
  GHashTable *farms;         /* uuid → Farm */
  GHashTable *watches;       /* sensor uuid → Watch */
  GArray     *events;        /* FwAlertEvent, reused under the lock */
  GArray     *sorted;        /* FwReading, reused under the lock */
  gboolean    primed;        /* every reporting sensor has a watch */
};

G_DEFINE_FINAL_TYPE (FwAlertEngine, fw_alert_engine, G_TYPE_OBJECT)

static void
farm_free (Farm *farm)
{
  g_free (farm->uuid);
  g_clear_pointer (&farm->zone, g_time_zone_unref);
  g_clear_pointer (&farm->rules, g_ptr_array_unref);
  g_free (farm);
}

static void
watch_free (Watch *watch)
{
  g_free (watch->sensor_uuid);
  g_free (watch->unit_uuid);
  g_free (watch->species);
  g_clear_pointer (&watch->watch, fw_alert_watch_free);
  for (guint c = 0; c < FW_N_ALERT_CONDITIONS; c++)
    g_clear_object (&watch->open[c]);
  g_free (watch);
}

static void
fw_alert_engine_finalize (GObject *object)
{
  FwAlertEngine *self = FW_ALERT_ENGINE (object);

  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_pointer (&self->farms, g_hash_table_unref);
  g_clear_pointer (&self->events, g_array_unref);
  g_clear_pointer (&self->sorted, g_array_unref);
  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fw_alert_engine_parent_class)->finalize (object);
}

static void
fw_alert_engine_class_init (FwAlertEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fw_alert_engine_finalize;
}

static void
fw_alert_engine_init (FwAlertEngine *self)
{
  g_mutex_init (&self->lock);
  /* Watches point at farms: they go first. */
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) watch_free);
  self->farms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) farm_free);
  self->events = g_array_new (FALSE, FALSE, sizeof (FwAlertEvent));
  self->sorted = g_array_new (FALSE, FALSE, sizeof (FwReading));
}

/**
 * fw_alert_engine_new:
 * @store: where sensors, rules, readings and alerts are
 *
 * Returns: (transfer full): an engine with no watches yet
 */
FwAlertEngine *
fw_alert_engine_new (FwStore *store)
{
  FwAlertEngine *self;

  g_return_val_if_fail (FW_IS_STORE (store), NULL);

  self = g_object_new (FW_TYPE_ALERT_ENGINE, NULL);
  self->store = g_object_ref (store);
  return self;
}

static void
log_failure (const char   *message,
             const char   *action,
             const char   *sensor_uuid,
             const GError *error)
{
  fw_server_log ("error", message, "event.action", action,
                 "fishwatch.sensor_id", sensor_uuid ?: "",
                 "error.message", error != NULL ? error->message : "", NULL);
}

static const char *
member_string (JsonNode   *record,
               const char *name)
{
  return json_object_get_string_member_with_default (json_node_get_object (record), name, NULL);
}

/* Reads the farm's time zone and rules from the store. */
static gboolean
farm_load (FwAlertEngine  *self,
           Farm           *farm,
           GError        **error)
{
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func (g_object_unref);
  const char *timezone;

  record = fw_store_get_record (self->store, FW_ENTITY_FARM, farm->uuid, NULL, error);
  if (record == NULL)
    return FALSE;

  nodes = fw_store_list_records (self->store, FW_ENTITY_ALERT_RULE, farm->uuid, NULL, error);
  if (nodes == NULL)
    return FALSE;

  for (guint i = 0; i < nodes->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      FwRecord *rule = fw_wire_decode_record (FW_ENTITY_ALERT_RULE, g_ptr_array_index (nodes, i),
                                              0, NULL, &local_error);

      /* One bad rule must not stop the others, nor the defaults. */
      if (rule == NULL)
        log_failure ("An alert rule in the store does not read back", "alert-rule-unreadable",
                     NULL, local_error);
      else
        g_ptr_array_add (rules, rule);
    }

  timezone = member_string (record, "timezone");
  g_clear_pointer (&farm->zone, g_time_zone_unref);
  farm->zone = timezone != NULL ? g_time_zone_new_identifier (timezone) : NULL;
  if (farm->zone == NULL)
    farm->zone = g_time_zone_new_utc ();

  g_clear_pointer (&farm->rules, g_ptr_array_unref);
  farm->rules = g_steal_pointer (&rules);
  farm->loaded_at = g_get_monotonic_time ();
  farm->generation++;
  return TRUE;
}

static Farm *
get_farm (FwAlertEngine  *self,
          const char     *farm_uuid,
          GError        **error)
{
  Farm *farm = g_hash_table_lookup (self->farms, farm_uuid);

  if (farm == NULL)
    {
      farm = g_new0 (Farm, 1);
      farm->uuid = g_strdup (farm_uuid);
      if (!farm_load (self, farm, error))
        {
          farm_free (farm);
          return NULL;
        }
      g_hash_table_insert (self->farms, farm->uuid, farm);
    }

  return farm;
}

/* Settings and maintenance windows from the farm's rules as they are. */
static void
watch_apply_rules (Watch *watch)
{
  g_autoptr(GArray) windows = NULL;
  FwAlertSettings settings;

  watch->enabled = fw_alert_rules_resolve (watch->farm->rules, watch->unit_uuid, watch->species,
                                           watch->parameter, &settings);
  windows = fw_alert_rules_maintenance (watch->farm->rules, watch->unit_uuid);

  fw_alert_watch_set_settings (watch->watch, &settings);
  fw_alert_watch_set_maintenance (watch->watch, (const FwMaintenance *) windows->data, windows->len);
  watch->generation = watch->farm->generation;
}

/* Rules a minute old are read again: another instance may have changed
 * them. A farm that cannot be read keeps what it had. */
static void
refresh_rules (FwAlertEngine *self,
               Watch         *watch)
{
  Farm *farm = watch->farm;

  if (farm->loaded_at == 0 || g_get_monotonic_time () - farm->loaded_at > RULES_TTL_USEC)
    {
      g_autoptr(GError) error = NULL;

      if (!farm_load (self, farm, &error))
        {
          log_failure ("Could not read a farm's alert rules", "alert-rules-failed", watch->sensor_uuid, error);
          farm->loaded_at = g_get_monotonic_time ();
        }
    }

  if (watch->generation != farm->generation)
    watch_apply_rules (watch);
}

/* Writes what @event says about @watch's sensor; failures are logged and
 * the watch carries on, so that ingest never fails for an alert. */
static gboolean
apply_event (FwAlertEngine      *self,
             Watch              *watch,
             const FwAlertEvent *event,
             FwTime              now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FwAlert) alert = NULL;
  g_autoptr(FwAlert) saved = NULL;
  FwAlert **open = &watch->open[event->condition];
  FwAlertEvent fire;

  switch (event->kind)
    {
    case FW_ALERT_EVENT_FIRE:
    case FW_ALERT_EVENT_ESCALATE:
      if (!watch->enabled)
        return FALSE;

      if (*open != NULL && event->kind == FW_ALERT_EVENT_ESCALATE)
        {
          saved = fw_store_save_alert (self->store, *open, event, now, &error);
          break;
        }

      /* A new excursion while the store still has the last one open: its
       * resolution failed to reach the store. It ends now. */
      if (*open != NULL)
        {
          FwAlertEvent resolve = { FW_ALERT_EVENT_RESOLVE, event->condition,
                                   fw_alert_get_severity (*open), event->time, NAN, NAN };
          g_autoptr(FwAlert) resolved = fw_store_save_alert (self->store, *open, &resolve, now, &error);

          if (resolved == NULL)
            {
              log_failure ("Could not resolve an alert", "alert-save-failed", watch->sensor_uuid, error);
              g_clear_error (&error);
            }
          g_clear_object (open);
        }

      /* An escalation of an alert the store never had (its firing fell in
       * the warm-up, or its write failed) is news of its own. */
      fire = *event;
      fire.kind = FW_ALERT_EVENT_FIRE;
      alert = fw_alert_new_for_event (watch->unit_uuid, watch->sensor_uuid, watch->parameter, &fire, FALSE);
      saved = fw_store_save_alert (self->store, alert, &fire, now, &error);
      break;

    case FW_ALERT_EVENT_RESOLVE:
      if (*open == NULL)
        return FALSE;
      saved = fw_store_save_alert (self->store, *open, event, now, &error);
      break;

    default:
      g_return_val_if_reached (FALSE);
    }

  if (saved == NULL)
    {
      log_failure ("Could not save an alert", "alert-save-failed", watch->sensor_uuid, error);
      /* Gone from the store, or resolved there: nothing left to update. */
      if (g_error_matches (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND))
        g_clear_object (open);
      return FALSE;
    }

  g_clear_object (open);
  if (fw_alert_is_open (saved))
    *open = g_steal_pointer (&saved);

  fw_server_log ("info", "Alert", "event.action",
                 event->kind == FW_ALERT_EVENT_FIRE ? "alert-fired" :
                 event->kind == FW_ALERT_EVENT_ESCALATE ? "alert-escalated" : "alert-resolved",
                 "fishwatch.sensor_id", watch->sensor_uuid,
                 "fishwatch.alert.condition", fw_alert_condition_to_string (event->condition),
                 "fishwatch.alert.severity", fw_severity_to_string (event->severity),
                 NULL);
  return TRUE;
}

static guint
apply_events (FwAlertEngine *self,
              Watch         *watch,
              FwTime         now)
{
  guint written = 0;

  for (guint i = 0; i < self->events->len; i++)
    written += apply_event (self, watch, &g_array_index (self->events, FwAlertEvent, i), now);
  g_array_set_size (self->events, 0);

  return written;
}

/* Feeds the hours before @until through the watch. An alert the store
 * has open takes hold from its start on: what the history before it says
 * about its condition is its own beginning. What later history resolves
 * or escalates of it is written, as it was missed. What the history would
 * fire is raised only if the excursion still holds at the end and no
 * alert of the store covers it, so a restart neither repeats nor loses an
 * alert. */
static gboolean
warm_up (FwAlertEngine  *self,
         Watch          *watch,
         guint           interval,
         FwTime          until,
         FwTime          last_resolved[FW_N_ALERT_CONDITIONS],
         FwTime          now,
         GError        **error)
{
  g_autoptr(GArray) history = NULL;
  FwAlertEvent pending[FW_N_ALERT_CONDITIONS];
  gboolean has_pending[FW_N_ALERT_CONDITIONS] = { FALSE, };
  gboolean restored[FW_N_ALERT_CONDITIONS] = { FALSE, };

  history = fw_store_query_readings (self->store, watch->sensor_uuid, until - WARM_UP_SECONDS, until,
                                     FW_RESOLUTION_RAW, WARM_UP_SECONDS / MAX (interval, 1) * 2 + 16, error);
  if (history == NULL)
    return FALSE;

  for (guint i = 0; i < history->len; i++)
    {
      const FwBucket *bucket = &g_array_index (history, FwBucket, i);

      for (guint c = 0; c < FW_N_ALERT_CONDITIONS; c++)
        {
          if (watch->open[c] != NULL && !restored[c] &&
              bucket->time >= fw_alert_get_fields (watch->open[c])->started_at)
            {
              fw_alert_watch_restore (watch->watch, c, fw_alert_get_severity (watch->open[c]));
              restored[c] = TRUE;
            }
        }

      fw_alert_watch_add (watch->watch, bucket->time, bucket->min, self->events);
      for (guint e = 0; e < self->events->len; e++)
        {
          const FwAlertEvent *event = &g_array_index (self->events, FwAlertEvent, e);
          FwAlertCondition c = event->condition;

          if (watch->open[c] != NULL)
            {
              if (restored[c])
                apply_event (self, watch, event, now);
            }
          else if (event->kind == FW_ALERT_EVENT_RESOLVE)
            has_pending[c] = FALSE;
          else if (has_pending[c])
            {
              pending[c].severity = MAX (pending[c].severity, event->severity);
              pending[c].value = event->value;
              pending[c].limit = event->limit;
            }
          else
            {
              pending[c] = *event;
              pending[c].kind = FW_ALERT_EVENT_FIRE;
              has_pending[c] = TRUE;
            }
        }
      g_array_set_size (self->events, 0);
    }

  for (guint c = 0; c < FW_N_ALERT_CONDITIONS; c++)
    {
      if (watch->open[c] != NULL && !restored[c])
        fw_alert_watch_restore (watch->watch, c, fw_alert_get_severity (watch->open[c]));
      else if (has_pending[c] && pending[c].time > last_resolved[c] &&
               fw_alert_watch_get_severity (watch->watch, c) != FW_SEVERITY_NONE)
        apply_event (self, watch, &pending[c], now);
    }

  return TRUE;
}

/* Builds the watch of @sensor_uuid from the store. @until is the time of
 * the first reading about to be fed: history is read up to it.
 *
 * Returns: the watch, or %NULL when the sensor is not one to watch */
static Watch *
load_watch (FwAlertEngine  *self,
            const char     *sensor_uuid,
            FwTime          until,
            FwTime          now,
            GError        **error)
{
  g_autoptr(JsonNode) sensor = NULL;
  g_autoptr(JsonNode) unit = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autofree char *farm_uuid = NULL;
  const FwParameterInfo *info;
  FwTime last_resolved[FW_N_ALERT_CONDITIONS] = { 0, };
  JsonObject *object;
  Watch *watch;
  Farm *farm;
  gint64 interval;

  sensor = fw_store_get_record (self->store, FW_ENTITY_SENSOR, sensor_uuid, &farm_uuid, error);
  if (sensor == NULL)
    return NULL;
  object = json_node_get_object (sensor);
  if (json_object_get_boolean_member_with_default (object, "deleted", FALSE))
    return NULL;

  unit = fw_store_get_record (self->store, FW_ENTITY_UNIT, member_string (sensor, "unit_id"), NULL, error);
  if (unit == NULL)
    return NULL;

  farm = get_farm (self, farm_uuid, error);
  if (farm == NULL)
    return NULL;

  watch = g_new0 (Watch, 1);
  watch->sensor_uuid = g_strdup (sensor_uuid);
  watch->unit_uuid = g_strdup (member_string (sensor, "unit_id"));
  watch->species = g_strdup (member_string (unit, "species"));
  if (watch->species != NULL && *watch->species == '\0')
    g_clear_pointer (&watch->species, g_free);
  watch->farm = farm;
  if (!fw_parameter_from_id (member_string (sensor, "parameter"), &watch->parameter))
    watch->parameter = FW_PARAMETER_TEMPERATURE;
  info = fw_parameter_get_info (watch->parameter);
  watch->plausible_min = info->plausible_min;
  watch->plausible_max = info->plausible_max;
  interval = json_object_get_int_member_with_default (object, "interval", 60);

  {
    g_autoptr(GArray) windows = fw_alert_rules_maintenance (farm->rules, watch->unit_uuid);
    FwAlertSettings settings;

    watch->enabled = fw_alert_rules_resolve (farm->rules, watch->unit_uuid, watch->species,
                                             watch->parameter, &settings);
    watch->watch = fw_alert_watch_new (watch->parameter, (guint) CLAMP (interval, 1, G_MAXUINT),
                                       &settings, farm->zone);
    fw_alert_watch_set_maintenance (watch->watch, (const FwMaintenance *) windows->data, windows->len);
    watch->generation = farm->generation;
  }

  /* The alerts of this sensor the store still has open carry on. */
  alerts = fw_store_list_records (self->store, FW_ENTITY_ALERT, NULL, watch->unit_uuid, error);
  if (alerts == NULL)
    {
      watch_free (watch);
      return NULL;
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      JsonNode *node = g_ptr_array_index (alerts, i);
      g_autoptr(FwRecord) record = NULL;
      const FwAlertFields *f;

      if (g_strcmp0 (member_string (node, "sensor_id"), sensor_uuid) != 0)
        continue;
      record = fw_wire_decode_record (FW_ENTITY_ALERT, node, 0, NULL, NULL);
      if (record == NULL)
        continue;

      f = fw_alert_get_fields (FW_ALERT (record));
      if (f->state == FW_ALERT_STATE_RESOLVED)
        last_resolved[f->condition] = MAX (last_resolved[f->condition], f->resolved_at);
      else if (watch->open[f->condition] == NULL ||
               f->started_at > fw_alert_get_fields (watch->open[f->condition])->started_at)
        g_set_object (&watch->open[f->condition], FW_ALERT (record));
    }

  if (!warm_up (self, watch, (guint) MAX (interval, 1), until, last_resolved, now, error))
    {
      watch_free (watch);
      return NULL;
    }

  return watch;
}

static Watch *
get_watch (FwAlertEngine *self,
           const char    *sensor_uuid,
           FwTime         until,
           FwTime         now)
{
  g_autoptr(GError) error = NULL;
  Watch *watch = g_hash_table_lookup (self->watches, sensor_uuid);

  if (watch != NULL)
    {
      refresh_rules (self, watch);
      return watch;
    }

  watch = load_watch (self, sensor_uuid, until, now, &error);
  if (watch == NULL)
    {
      if (error != NULL)
        log_failure ("Could not start watching a sensor for alerts", "alert-watch-failed", sensor_uuid, error);
      return NULL;
    }

  g_hash_table_insert (self->watches, watch->sensor_uuid, watch);
  return watch;
}

static int
compare_readings (gconstpointer a,
                  gconstpointer b)
{
  const FwReading *x = a, *y = b;

  return (x->time > y->time) - (x->time < y->time);
}

/**
 * fw_alert_engine_ingest:
 * @batches: (element-type FwIngestBatch): an ingest request's batches, as
 *   fw_store_ingest() left them
 * @now: the time of the request
 *
 * Evaluates the readings the store accepted, after they were saved, and
 * writes the alerts they raise, escalate or resolve. A failure is logged,
 * never returned: the readings are saved whatever becomes of an alert.
 *
 * Returns: how many alert writes were made
 */
guint
fw_alert_engine_ingest (FwAlertEngine *self,
                        GPtrArray     *batches,
                        FwTime         now)
{
  guint written = 0;

  g_return_val_if_fail (FW_IS_ALERT_ENGINE (self), 0);
  g_return_val_if_fail (batches != NULL, 0);

  g_mutex_lock (&self->lock);

  for (guint b = 0; b < batches->len; b++)
    {
      FwIngestBatch *batch = g_ptr_array_index (batches, b);
      const FwReading *readings;
      gboolean ordered = TRUE;
      guint n;
      Watch *watch;

      if (batch->error != NULL || batch->accepted == 0)
        continue;

      readings = (const FwReading *) batch->readings->data;
      n = batch->readings->len;

      /* Gateways send readings in time order; sort only when they don't. */
      for (guint i = 1; i < n && ordered; i++)
        ordered = readings[i].time > readings[i - 1].time;
      if (!ordered)
        {
          g_array_set_size (self->sorted, 0);
          g_array_append_vals (self->sorted, readings, n);
          g_array_sort (self->sorted, compare_readings);
          readings = (const FwReading *) self->sorted->data;
        }

      watch = get_watch (self, batch->sensor_uuid, readings[0].time, now);
      if (watch == NULL)
        continue;

      for (guint i = 0; i < n; i++)
        {
          /* The store refused these: they never happened. */
          if (readings[i].value < watch->plausible_min || readings[i].value > watch->plausible_max)
            continue;

          fw_alert_watch_add (watch->watch, readings[i].time, readings[i].value, self->events);
          if (self->events->len > 0)
            written += apply_events (self, watch, now);
        }
    }

  g_mutex_unlock (&self->lock);
  return written;
}

/* Every sensor that ever reported gets its watch, so that one that went
 * quiet while the server was down is noticed: it will not report to
 * build its watch itself. */
static gboolean
prime (FwAlertEngine  *self,
       FwTime          now,
       GError        **error)
{
  g_autoptr(GPtrArray) farms = fw_store_list_records (self->store, FW_ENTITY_FARM, NULL, NULL, error);

  if (farms == NULL)
    return FALSE;

  for (guint f = 0; f < farms->len; f++)
    {
      g_autoptr(GPtrArray) latest = fw_store_latest_readings (self->store,
                                                              member_string (g_ptr_array_index (farms, f), "id"),
                                                              error);

      if (latest == NULL)
        return FALSE;

      for (guint i = 0; i < latest->len; i++)
        {
          FwLatest *entry = g_ptr_array_index (latest, i);

          if (!g_hash_table_contains (self->watches, entry->sensor_uuid))
            get_watch (self, entry->sensor_uuid, entry->time + 1, now);
        }
    }

  return TRUE;
}

/* The newest reading the store has of each watched sensor: another
 * instance behind the same balancer may have taken its latest readings. */
static GHashTable *
read_latest (FwAlertEngine  *self,
             GPtrArray      *keep,
             GError        **error)
{
  g_autoptr(GHashTable) times = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->farms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *latest = fw_store_latest_readings (self->store, ((Farm *) value)->uuid, error);

      if (latest == NULL)
        return NULL;

      g_ptr_array_add (keep, latest);
      for (guint i = 0; i < latest->len; i++)
        {
          FwLatest *entry = g_ptr_array_index (latest, i);

          g_hash_table_insert (times, entry->sensor_uuid, &entry->time);
        }
    }

  return g_steal_pointer (&times);
}

/**
 * fw_alert_engine_tick:
 * @now: the time now
 *
 * Lets time pass for every watch, so that a sensor that stopped reporting
 * raises a silence alert; rules changed elsewhere are picked up here too.
 * The first tick builds the watch of every sensor that has readings.
 *
 * Returns: how many alert writes were made
 */
guint
fw_alert_engine_tick (FwAlertEngine *self,
                      FwTime         now)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) latest = NULL;
  GHashTableIter iter;
  gpointer value;
  guint written = 0;

  g_return_val_if_fail (FW_IS_ALERT_ENGINE (self), 0);

  g_mutex_lock (&self->lock);

  if (!self->primed)
    {
      g_autoptr(GError) error = NULL;

      self->primed = prime (self, now, &error);
      if (!self->primed)
        log_failure ("Could not start watching every sensor", "alert-prime-failed", NULL, error);
    }

  /* Without the store's word, silence cannot be told from elsewhere. */
  {
    g_autoptr(GError) error = NULL;

    latest = read_latest (self, keep, &error);
    if (latest == NULL)
      {
        log_failure ("Could not read the latest readings", "alert-tick-failed", NULL, error);
        g_mutex_unlock (&self->lock);
        return 0;
      }
  }

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Watch *watch = value;
      FwTime *stored = g_hash_table_lookup (latest, watch->sensor_uuid);

      /* Every watched sensor has readings: one the store no longer lists
       * was archived, and an archived probe is not silent. Its watch is
       * built again if it comes back. */
      if (stored == NULL)
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }

      /* Readings this watch has not seen: not silent, only elsewhere. */
      if (*stored > fw_alert_watch_get_last_time (watch->watch))
        continue;

      refresh_rules (self, watch);
      fw_alert_watch_tick (watch->watch, now, self->events);
      if (self->events->len > 0)
        written += apply_events (self, watch, now);
    }

  g_mutex_unlock (&self->lock);
  return written;
}

/**
 * fw_alert_engine_forget_rules:
 *
 * Says that alert rules changed: every farm's are read again before its
 * next reading is evaluated.
 */
void
fw_alert_engine_forget_rules (FwAlertEngine *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (FW_IS_ALERT_ENGINE (self));

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->farms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Farm *) value)->loaded_at = 0;
  g_mutex_unlock (&self->lock);
}

guint
fw_alert_engine_get_n_watches (FwAlertEngine *self)
{
  guint n;

  g_return_val_if_fail (FW_IS_ALERT_ENGINE (self), 0);

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->watches);
  g_mutex_unlock (&self->lock);

  return n;
}
