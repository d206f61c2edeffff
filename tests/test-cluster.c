/* test-cluster.c — several fishwatch-server instances on one PostgreSQL
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What only a store with concurrent writers can get wrong:
 *
 *   cursor     three instances, writers pushing to all of them at once,
 *              pullers pulling small pages from all of them all along:
 *              every puller ends with exactly the server's records, none
 *              missing, none served twice;
 *   failover   PostgreSQL stopped and started again under load: /readyz
 *              says 503 while it is away and 200 after, without the
 *              server being restarted, and nothing answered as saved is
 *              lost;
 *   ingest     one gateway's request delivered many times at once to two
 *              instances (a gateway retrying through the balancer):
 *              every reading kept once, the hourly rollups count each
 *              once, whatever PostgreSQL's row locks made of the race;
 *   balancer   two instances behind nginx on loopback, one killed in the
 *              middle of a sync loop: the client retries through the
 *              balancer, and nothing is lost or doubled.
 *
 * Runs with FW_TEST_STORE=postgresql only (tests/meson.build sets it).
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "fw-core.h"
#include "fw-test-balancer.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

#define N_INSTANCES 3
#define N_WRITERS   4
#define N_PULLERS   3
#define ROUNDS      30
#define PER_PUSH    5
#define PULL_LIMIT  3

/* An HTTP call that may fail, as calls to a cluster do: returns the status,
 * or 0 when no answer came. */
static guint
http (SoupSession  *session,
      const char   *base_url,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *body,
      JsonNode    **response)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  answer = soup_session_send_and_read (session, message, NULL, &error);
  if (answer == NULL)
    return 0;

  if (response != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (answer, &length);
      g_autofree char *text = g_strndup (data, length);

      *response = json_from_string (text, NULL);
      if (*response == NULL)
        *response = json_node_new (JSON_NODE_NULL);
    }

  return soup_message_get_status (message);
}

static SoupSession *
new_session (void)
{
  /* No keep-alive across a killed instance matters here: every call may
   * land anywhere, as behind a balancer. */
  return soup_session_new_with_options ("timeout", 30, "max-conns-per-host", 4, NULL);
}

/* The units of the demo farm, where entries are written. */
static GPtrArray *
list_units (FwTestServer *server,
            const char   *token)
{
  g_autoptr(JsonNode) units = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *items;

  g_assert_cmpuint (fw_test_server_call (server, "GET", "/api/v1/farms/" FW_DEMO_FARM_UUID "/units", token,
                                         NULL, &units, NULL), ==, 200);
  items = json_object_get_array_member (json_node_get_object (units), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (items, i), "id")));

  return ids;
}

/* A push of @n new feeding entries; their ids go to @ids. */
static char *
build_push (GPtrArray *units,
            guint      n,
            GPtrArray *ids)
{
  g_autoptr(GString) body = g_string_new ("{\"mutations\":[");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *mutation_id = g_uuid_string_random ();
      char *id = g_uuid_string_random ();

      g_string_append_printf (body,
                              "%s{\"mutation_id\":\"%s\",\"entity\":\"logbook_entry\",\"op\":\"upsert\",\"base_revision\":0,"
                              "\"record\":{\"id\":\"%s\",\"unit_id\":\"%s\",\"kind\":\"feeding\","
                              "\"occurred_at\":\"2026-11-20T06:30:00Z\",\"payload\":{\"kg\":%u}}}",
                              i > 0 ? "," : "", mutation_id, id,
                              (const char *) g_ptr_array_index (units, g_random_int_range (0, units->len)),
                              g_random_int_range (1, 50));
      g_ptr_array_add (ids, id);
    }
  g_string_append (body, "]}");

  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* Whether every result of a push says applied. */
static gboolean
all_applied (JsonNode *response)
{
  JsonArray *results;

  if (!JSON_NODE_HOLDS_OBJECT (response) ||
      (results = json_object_get_array_member (json_node_get_object (response), "results")) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (results); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (results, i), "status"),
                   "applied") != 0)
      return FALSE;

  return TRUE;
}

/* One page of changes into @seen (logbook entries: id → revision).
 * Returns: the HTTP status; @cursor and @more move on a 200 only. A change
 * seen twice, or a revision not above the last, fails the test. */
static guint
pull_page (SoupSession  *session,
           const char   *base_url,
           const char   *token,
           guint         limit,
           char        **cursor,
           gboolean     *more,
           gint64       *last_revision,
           GHashTable   *seen)
{
  g_autoptr(JsonNode) page = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?limit=%u%s%s", limit,
                                           *cursor != NULL ? "&cursor=" : "", *cursor ?: "");
  JsonArray *changes;
  guint status = http (session, base_url, "GET", path, token, NULL, &page);

  if (status != 200)
    return status;

  changes = json_object_get_array_member (json_node_get_object (page), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *record = json_object_get_object_member (change, "record");
      gint64 revision = json_object_get_int_member (record, "revision");
      const char *id = json_object_get_string_member (record, "id");

      g_assert_cmpint (revision, >, *last_revision);
      *last_revision = revision;

      if (!g_str_equal (json_object_get_string_member (change, "entity"), "logbook_entry"))
        continue;

      /* Entries here are only ever created: one change each. */
      if (g_hash_table_contains (seen, id))
        g_error ("Entry %s was served twice", id);
      g_hash_table_add (seen, g_strdup (id));
    }

  g_free (*cursor);
  *cursor = g_strdup (json_object_get_string_member (json_node_get_object (page), "cursor"));
  *more = json_object_get_boolean_member (json_node_get_object (page), "more");
  return status;
}

/* Everything, from the start, in one quiet moment: the server's truth. */
static GHashTable *
pull_everything (const char *base_url,
                 const char *token)
{
  g_autoptr(SoupSession) session = new_session ();
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gboolean more = TRUE;
  gint64 last = 0;

  while (more)
    g_assert_cmpuint (pull_page (session, base_url, token, 1000, &cursor, &more, &last, seen), ==, 200);

  return seen;
}

static void
assert_same_set (GHashTable *a,
                 GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (b, key))
      g_error ("Entry %s is missing", (const char *) key);
  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
}

typedef struct
{
  GPtrArray   *base_urls;      /* where calls go: instances, or a balancer */
  GPtrArray   *units;
  char        *token;
  gint         writers_left;
  gint         stop;           /* for writers that run until told */
  /* writers fill these, under the lock */
  GMutex       lock;
  GHashTable  *saved;          /* entries answered as applied */
  guint        pushes;
  guint        failed_calls;
  guint        retried_ok;     /* pushes that succeeded after a failure */
} Cluster;

typedef struct
{
  Cluster    *cluster;
  guint       rounds;          /* 0: until cluster->stop */
  GHashTable *seen;            /* pullers: what they pulled */
} Worker;

static const char *
pick (Cluster *cluster)
{
  return g_ptr_array_index (cluster->base_urls, g_random_int_range (0, cluster->base_urls->len));
}

/* Pushes new entries, each push to any instance, again and again until
 * answered: the same body, so the same mutation ids, as a client's outbox
 * would send it again. */
static gpointer
writer_thread (gpointer data)
{
  Worker *worker = data;
  Cluster *cluster = worker->cluster;
  g_autoptr(SoupSession) session = new_session ();

  for (guint round = 0; worker->rounds == 0 ? !g_atomic_int_get (&cluster->stop) : round < worker->rounds; round++)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *body = build_push (cluster->units, PER_PUSH, ids);
      gboolean failed = FALSE;

      for (;;)
        {
          g_autoptr(JsonNode) response = NULL;
          guint status = http (session, pick (cluster), "POST", "/api/v1/sync/push", cluster->token, body, &response);

          if (status == 200 && all_applied (response))
            break;

          g_assert_true (status == 0 || status >= 500);
          failed = TRUE;
          g_mutex_lock (&cluster->lock);
          cluster->failed_calls++;
          g_mutex_unlock (&cluster->lock);
          g_usleep (50000);
        }

      g_mutex_lock (&cluster->lock);
      for (guint i = 0; i < ids->len; i++)
        g_hash_table_add (cluster->saved, g_strdup (g_ptr_array_index (ids, i)));
      cluster->pushes++;
      if (failed)
        cluster->retried_ok++;
      g_mutex_unlock (&cluster->lock);
    }

  g_atomic_int_add (&cluster->writers_left, -1);
  return NULL;
}

/* Pulls small pages from any instance while the writers write, then to
 * the end once they are done. */
static gpointer
puller_thread (gpointer data)
{
  Worker *worker = data;
  Cluster *cluster = worker->cluster;
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *cursor = NULL;
  gint64 last = 0;

  for (;;)
    {
      gboolean writing = g_atomic_int_get (&cluster->writers_left) > 0;
      gboolean more = TRUE;

      while (more)
        {
          if (pull_page (session, pick (cluster), cluster->token, PULL_LIMIT, &cursor, &more, &last,
                         worker->seen) != 200)
            g_usleep (50000);
        }

      /* A last pass that began after every writer was answered. */
      if (!writing)
        break;
    }

  return NULL;
}

static void
cluster_init (Cluster      *cluster,
              FwTestServer *first,
              const char   *username)
{
  cluster->base_urls = g_ptr_array_new_with_free_func (g_free);
  cluster->token = fw_test_server_login (first, username);
  cluster->units = list_units (first, cluster->token);
  cluster->saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&cluster->lock);
}

static void
cluster_clear (Cluster *cluster)
{
  g_ptr_array_unref (cluster->base_urls);
  g_ptr_array_unref (cluster->units);
  g_hash_table_unref (cluster->saved);
  g_free (cluster->token);
  g_mutex_clear (&cluster->lock);
}

static void
test_cursor (void)
{
  FwTestServer *servers[N_INSTANCES];
  GThread *threads[N_WRITERS + N_PULLERS];
  Worker workers[N_WRITERS + N_PULLERS] = { 0, };
  Cluster cluster = { 0, };
  g_autoptr(GHashTable) truth = NULL;
  guint before;

  servers[0] = fw_test_server_start_full (NULL, "--alert-tick 0");
  for (guint i = 1; i < N_INSTANCES; i++)
    servers[i] = fw_test_server_start_another (servers[0], "--alert-tick 0");

  /* A token made on one instance serves on all: sessions live in the store. */
  cluster_init (&cluster, servers[0], "worker");
  for (guint i = 0; i < N_INSTANCES; i++)
    g_ptr_array_add (cluster.base_urls, g_strdup (servers[i]->base_url));

  truth = pull_everything (servers[0]->base_url, cluster.token);
  before = g_hash_table_size (truth);
  g_clear_pointer (&truth, g_hash_table_unref);

  cluster.writers_left = N_WRITERS;
  for (guint i = 0; i < N_WRITERS + N_PULLERS; i++)
    {
      workers[i].cluster = &cluster;
      workers[i].rounds = ROUNDS;
      workers[i].seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      threads[i] = g_thread_new (i < N_WRITERS ? "writer" : "puller",
                                 i < N_WRITERS ? writer_thread : puller_thread, &workers[i]);
    }
  for (guint i = 0; i < N_WRITERS + N_PULLERS; i++)
    g_thread_join (threads[i]);

  truth = pull_everything (servers[1]->base_url, cluster.token);
  g_assert_cmpuint (g_hash_table_size (cluster.saved), ==, N_WRITERS * ROUNDS * PER_PUSH);
  g_assert_cmpuint (g_hash_table_size (truth), ==, before + g_hash_table_size (cluster.saved));
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, cluster.saved);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_assert_true (g_hash_table_contains (truth, key));
  }

  for (guint i = N_WRITERS; i < N_WRITERS + N_PULLERS; i++)
    assert_same_set (truth, workers[i].seen);
  g_test_message ("%u pushes to %u instances, %u pullers each ended with all %u entries",
                  cluster.pushes, N_INSTANCES, N_PULLERS, g_hash_table_size (truth));

  for (guint i = 0; i < N_WRITERS + N_PULLERS; i++)
    g_hash_table_unref (workers[i].seen);
  cluster_clear (&cluster);
  for (guint i = N_INSTANCES; i > 0; i--)
    g_assert_cmpint (fw_test_server_stop (servers[i - 1]), ==, 0);
}

static guint
readyz (SoupSession *session,
        const char  *base_url)
{
  return http (session, base_url, "GET", "/readyz", NULL, NULL, NULL);
}

/* Polls /readyz until it answers @wanted; fails after @seconds. */
static void
wait_ready (SoupSession *session,
            const char  *base_url,
            guint        wanted,
            guint        seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint status;

  while ((status = readyz (session, base_url)) != wanted)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("/readyz answered %u, not %u, for %u s", status, wanted, seconds);
      g_usleep (100000);
    }
}

static void
test_failover (void)
{
  FwTestServer *servers[2];
  GThread *threads[N_WRITERS];
  Worker workers[N_WRITERS] = { 0, };
  Cluster cluster = { 0, };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GHashTable) truth = NULL;
  guint pushes_before, pushes_after;
  g_autofree char *device_path = NULL;
  g_autoptr(JsonNode) latest = NULL;

  servers[0] = fw_test_server_start_full (NULL, "--alert-tick 0");
  servers[1] = fw_test_server_start_another (servers[0], "--alert-tick 0");
  cluster_init (&cluster, servers[0], "manager");
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (cluster.base_urls, g_strdup (servers[i]->base_url));
  g_assert_cmpuint (readyz (session, servers[0]->base_url), ==, 200);

  cluster.writers_left = N_WRITERS;
  for (guint i = 0; i < N_WRITERS; i++)
    {
      workers[i].cluster = &cluster;
      threads[i] = g_thread_new ("writer", writer_thread, &workers[i]);
    }

  /* Under load: writes land, then the store goes away. */
  g_usleep (G_USEC_PER_SEC);
  fw_test_postgres_stop ();
  g_mutex_lock (&cluster.lock);
  pushes_before = cluster.pushes;
  g_mutex_unlock (&cluster.lock);
  for (guint i = 0; i < 2; i++)
    wait_ready (session, servers[i]->base_url, 503, 10);

  /* The process answers while the store is away, and says why. */
  g_assert_cmpuint (http (session, servers[0]->base_url, "GET", "/healthz", NULL, NULL, NULL), ==, 200);
  {
    g_autoptr(JsonNode) response = NULL;

    g_assert_cmpuint (http (session, servers[0]->base_url, "GET", "/api/v1/farms", cluster.token, NULL, &response),
                      ==, 503);
  }
  g_usleep (G_USEC_PER_SEC);

  fw_test_postgres_start ();
  for (guint i = 0; i < 2; i++)
    wait_ready (session, servers[i]->base_url, 200, 30);

  /* And the writes go on, through both instances, neither restarted. */
  g_usleep (G_USEC_PER_SEC);
  g_atomic_int_set (&cluster.stop, 1);
  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);
  pushes_after = cluster.pushes;
  g_assert_cmpuint (pushes_after, >, pushes_before);
  g_assert_cmpuint (cluster.failed_calls, >, 0);

  /* Everything answered as saved is there, once. */
  truth = pull_everything (servers[1]->base_url, cluster.token);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, cluster.saved);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (truth, key))
        g_error ("Entry %s was answered as saved and is gone", (const char *) key);
  }

  /* Readings, too, go in again. */
  device_path = g_strdup_printf ("/api/v1/farms/%s/latest", FW_DEMO_FARM_UUID);
  g_assert_cmpuint (http (session, servers[0]->base_url, "GET", device_path, cluster.token, NULL, &latest), ==, 200);

  /* After a promotion that lost commits, the DBA gives the store a new
   * epoch; the instances learn it (here through /readyz, as a probe
   * would ask) and send clients with old cursors to resynchronise. */
#if HAVE_POSTGRESQL
  {
    g_autoptr(JsonNode) first_page = NULL;
    g_autoptr(JsonNode) answer = NULL;
    g_autofree char *path = NULL;
    PGconn *conn;
    PGresult *result;

    g_assert_cmpuint (http (session, servers[0]->base_url, "GET", "/api/v1/sync/pull?limit=1", cluster.token,
                            NULL, &first_page), ==, 200);
    path = g_strdup_printf ("/api/v1/sync/pull?cursor=%s",
                            json_object_get_string_member (json_node_get_object (first_page), "cursor"));

    conn = PQconnectdb (servers[0]->db);
    result = PQexec (conn, "UPDATE meta SET value = md5 (random ()::text) WHERE key = 'epoch'");
    g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
    PQclear (result);
    PQfinish (conn);

    wait_ready (session, servers[0]->base_url, 200, 10);
    g_assert_cmpuint (http (session, servers[0]->base_url, "GET", path, cluster.token, NULL, &answer), ==, 410);
  }
#endif

  g_test_message ("%u pushes (%u before the stop), %u calls failed while PostgreSQL was away, "
                  "%u pushes went through on a retry",
                  pushes_after, pushes_before, cluster.failed_calls, cluster.retried_ok);

  cluster_clear (&cluster);
  g_assert_cmpint (fw_test_server_stop (servers[1]), ==, 0);
  g_assert_cmpint (fw_test_server_stop (servers[0]), ==, 0);
}

typedef struct
{
  const char *base_urls[2];
  const char *token;
  const char *body;
  guint       failed;
} Delivery;

#define DELIVERIES 3

/* Sends the same ingest request again and again, alternating instances,
 * until each delivery is answered 200. */
static gpointer
deliver_thread (gpointer data)
{
  Delivery *delivery = data;
  g_autoptr(SoupSession) session = new_session ();

  for (guint i = 0; i < DELIVERIES; i++)
    {
      guint status;

      while ((status = http (session, delivery->base_urls[i % 2], "POST", "/api/v1/ingest", delivery->token,
                             delivery->body, NULL)) != 200)
        {
          g_assert_true (status == 0 || status >= 500);
          g_atomic_int_inc (&delivery->failed);
          g_usleep (20000);
        }
    }

  return NULL;
}

static void
test_ingest (void)
{
  FwTestServer *servers[2];
  g_autoptr(JsonNode) self = NULL;
  g_autoptr(GPtrArray) sensors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) body = g_string_new ("{\"batches\":[");
  g_autofree char *token = NULL;
  Delivery deliveries[6];
  GThread *threads[G_N_ELEMENTS (deliveries)];
  JsonArray *items;
  gint64 start = g_get_real_time () / G_USEC_PER_SEC / 3600 * 3600 - 3 * 3600;
  const guint per_sensor = 120;

  servers[0] = fw_test_server_start_full (NULL, "--alert-tick 0");
  servers[1] = fw_test_server_start_another (servers[0], "--alert-tick 0");
  token = fw_test_server_login (servers[0], "worker");

  g_assert_cmpuint (fw_test_server_call (servers[0], "GET", "/api/v1/devices/self",
                                         fw_test_server_device_token (servers[0]), NULL, &self, NULL), ==, 200);
  items = json_object_get_array_member (json_node_get_object (self), "sensors");
  for (guint i = 0; i < json_array_get_length (items) && sensors->len < 6; i++)
    {
      JsonObject *sensor = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (sensor, "parameter"), "temperature"))
        g_ptr_array_add (sensors, g_strdup (json_object_get_string_member (sensor, "id")));
    }
  g_assert_cmpuint (sensors->len, >=, 2);

  /* Two hours a minute apart, the same ten values over and over. */
  for (guint s = 0; s < sensors->len; s++)
    {
      g_string_append_printf (body, "%s{\"sensor\":\"%s\",\"start\":%" G_GINT64_FORMAT ",\"interval\":60,\"values\":[",
                              s > 0 ? "," : "", (const char *) g_ptr_array_index (sensors, s), start);
      for (guint i = 0; i < per_sensor; i++)
        g_string_append_printf (body, "%s%u.%u", i > 0 ? "," : "", 20 + (i % 10) / 10, (i % 10));
      g_string_append (body, "]}");
    }
  g_string_append (body, "]}");

  for (guint i = 0; i < G_N_ELEMENTS (deliveries); i++)
    {
      deliveries[i] = (Delivery) { { servers[i % 2]->base_url, servers[(i + 1) % 2]->base_url },
                                   fw_test_server_device_token (servers[0]), body->str, 0 };
      threads[i] = g_thread_new ("gateway", deliver_thread, &deliveries[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (deliveries); i++)
    g_thread_join (threads[i]);

  for (guint s = 0; s < sensors->len; s++)
    {
      g_autoptr(JsonNode) raw = NULL;
      g_autoptr(JsonNode) hours = NULL;
      g_autofree char *raw_path = g_strdup_printf ("/api/v1/sensors/%s/readings?from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT,
                                                   (const char *) g_ptr_array_index (sensors, s), start, start + 3 * 3600);
      g_autofree char *hour_path = g_strconcat (raw_path, "&resolution=hour", NULL);
      JsonArray *counts, *means;
      gint64 total = 0;

      g_assert_cmpuint (fw_test_server_call (servers[1], "GET", raw_path, token, NULL, &raw, NULL), ==, 200);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (raw), "times")),
                        ==, per_sensor);

      g_assert_cmpuint (fw_test_server_call (servers[0], "GET", hour_path, token, NULL, &hours, NULL), ==, 200);
      counts = json_object_get_array_member (json_node_get_object (hours), "count");
      means = json_object_get_array_member (json_node_get_object (hours), "mean");
      g_assert_cmpuint (json_array_get_length (counts), ==, 2);
      for (guint h = 0; h < json_array_get_length (counts); h++)
        {
          total += json_array_get_int_element (counts, h);
          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (means, h), 20.45, 1e-9);
        }
      g_assert_cmpint (total, ==, per_sensor);
    }

  g_test_message ("%u sensors' readings delivered %u times each, %u at once: each kept and counted once",
                  sensors->len, (guint) (G_N_ELEMENTS (deliveries) * DELIVERIES), (guint) G_N_ELEMENTS (deliveries));

  g_assert_cmpint (fw_test_server_stop (servers[1]), ==, 0);
  g_assert_cmpint (fw_test_server_stop (servers[0]), ==, 0);
}

typedef struct
{
  gint  round;
  gint  at;
  GPid  victim;
} Killer;

/* Kills the instance once the loop is half-way, from beside it, so that
 * the kill lands wherever the client is: mid-push, mid-pull, in between. */
static gpointer
killer_thread (gpointer data)
{
  Killer *killer = data;

  while (g_atomic_int_get (&killer->round) < killer->at)
    g_usleep (1000);
  g_usleep (g_random_int_range (0, 20000));
  kill (killer->victim, SIGKILL);
  return NULL;
}

/* A client's sync loop (push a few, pull what is new) through the
 * balancer, with one instance killed half-way. */
static void
test_balancer (void)
{
  g_autofree char *nginx = fw_test_balancer_find_nginx ();
  FwTestServer *servers[2];
  guint ports[2];
  FwTestBalancer *balancer;
  Cluster cluster = { 0, };
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GHashTable) pulled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) truth = NULL;
  g_autofree char *cursor = NULL;
  gint64 last = 0;
  guint failed = 0, round, rounds = 40;
  Killer killer = { 0, };
  GThread *killer_thread_handle;

  if (nginx == NULL)
    {
      g_test_skip ("nginx is not installed; build-aux/install-deps installs it");
      return;
    }

  servers[0] = fw_test_server_start_full (NULL, "--alert-tick 0");
  servers[1] = fw_test_server_start_another (servers[0], "--alert-tick 0");
  for (guint i = 0; i < 2; i++)
    ports[i] = servers[i]->port;
  balancer = fw_test_balancer_start (nginx, ports, 2);

  cluster_init (&cluster, servers[0], "worker");
  g_ptr_array_add (cluster.base_urls, g_strdup (balancer->base_url));

  /* Half-way, one instance dies without a word, as in a crash. */
  killer.at = rounds / 2;
  killer.victim = servers[1]->pid;
  killer_thread_handle = g_thread_new ("killer", killer_thread, &killer);

  for (round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *body = build_push (cluster.units, PER_PUSH, ids);
      gboolean more = TRUE;

      g_atomic_int_set (&killer.round, round);

      for (;;)
        {
          g_autoptr(JsonNode) response = NULL;
          guint status = http (session, balancer->base_url, "POST", "/api/v1/sync/push", cluster.token, body, &response);

          if (status == 200 && all_applied (response))
            break;
          g_assert_true (status == 0 || status >= 500);
          failed++;
          g_usleep (100000);
        }
      for (guint i = 0; i < ids->len; i++)
        g_hash_table_add (cluster.saved, g_strdup (g_ptr_array_index (ids, i)));

      while (more)
        if (pull_page (session, balancer->base_url, cluster.token, PULL_LIMIT, &cursor, &more, &last, pulled) != 200)
          {
            failed++;
            g_usleep (100000);
          }
    }

  g_thread_join (killer_thread_handle);

  /* The one left has it all, once; so does the client. */
  truth = pull_everything (servers[0]->base_url, cluster.token);
  assert_same_set (truth, pulled);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, cluster.saved);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_assert_true (g_hash_table_contains (truth, key));
  }
  g_test_message ("%u rounds, %u calls retried by the client, %u entries, none lost or doubled",
                  rounds, failed, g_hash_table_size (cluster.saved));

  fw_test_balancer_stop (balancer);
  cluster_clear (&cluster);
  fw_test_server_stop (servers[1]);
  g_assert_cmpint (fw_test_server_stop (servers[0]), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  fw_test_server_check_store ();

  if (!fw_test_server_uses_postgres ())
    {
      g_print ("1..0 # SKIP Several instances need the PostgreSQL store (FW_TEST_STORE=postgresql)\n");
      return 0;
    }

  g_test_add_func ("/cluster/cursor", test_cursor);
  g_test_add_func ("/cluster/failover", test_failover);
  g_test_add_func ("/cluster/ingest", test_ingest);
  g_test_add_func ("/cluster/balancer", test_balancer);

  return g_test_run ();
}
