/* test-server.c — the HTTP API of a real fishwatch-server on loopback
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include "fw-core.h"
#include "fw-server.h"
#include "fw-test-server.h"
#include "fw-test-util.h"

#define DEMO_FARM FW_DEMO_FARM_UUID

typedef struct
{
  FwTestServer *server;
  char         *admin;
  char         *manager;
  char         *worker;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = fw_test_server_start (NULL);
  fixture->admin = fw_test_server_login (fixture->server, "admin");
  fixture->manager = fw_test_server_login (fixture->server, "manager");
  fixture->worker = fw_test_server_login (fixture->server, "worker");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* SIGTERM is a clean stop: exit status 0. */
  g_assert_cmpint (fw_test_server_stop (fixture->server), ==, 0);
  g_free (fixture->admin);
  g_free (fixture->manager);
  g_free (fixture->worker);
}

static guint
call (Fixture     *fixture,
      const char  *method,
      const char  *path,
      const char  *token,
      const char  *body,
      JsonNode   **response)
{
  return fw_test_server_call (fixture->server, method, path, token, body, response, NULL);
}

static const char *
error_code (JsonNode *response)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (response), "error");

  return json_object_get_string_member (error, "code");
}

static const char *
error_field (JsonNode *response)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (response), "error");

  return json_object_get_string_member_with_default (error, "field", NULL);
}

static gint64
store_revision (Fixture *fixture)
{
  g_autoptr(JsonNode) status = NULL;

  g_assert_cmpuint (call (fixture, "GET", "/api/v1/status", fixture->admin, NULL, &status), ==, 200);
  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (status), "counts"),
                                     "revision");
}

/* The first unit of the demo farm, and one of its sensors. */
static void
demo_ids (Fixture  *fixture,
          char    **site,
          char    **unit,
          char    **sensor)
{
  g_autoptr(JsonNode) units = NULL;
  g_autoptr(JsonNode) sensors = NULL;
  JsonObject *first;
  g_autofree char *path = NULL;

  g_assert_cmpuint (call (fixture, "GET", "/api/v1/farms/" DEMO_FARM "/units", fixture->worker, NULL, &units), ==, 200);
  first = json_array_get_object_element (json_object_get_array_member (json_node_get_object (units), "items"), 0);
  if (site != NULL)
    *site = g_strdup (json_object_get_string_member (first, "site_id"));
  if (unit != NULL)
    *unit = g_strdup (json_object_get_string_member (first, "id"));

  path = g_strdup_printf ("/api/v1/units/%s/sensors", json_object_get_string_member (first, "id"));
  g_assert_cmpuint (call (fixture, "GET", path, fixture->worker, NULL, &sensors), ==, 200);
  if (sensor != NULL)
    *sensor = g_strdup (json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (sensors), "items"), 0), "id"));
}

static void
test_login (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *good = g_strdup_printf ("{\"username\":\"worker\",\"password\":\"%s\"}",
                                           fw_test_server_password (fixture->server, "worker"));
  JsonObject *object;

  /* Good credentials: a token, its expiry, and who it is. */
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/session", NULL, good, &response), ==, 201);
  object = json_node_get_object (response);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "token"), "fws_"));
  g_assert_true (fw_wire_parse_time (json_object_get_string_member (object, "expires_at"), NULL));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "user"), "role"), ==, "worker");
  g_assert_false (json_object_has_member (json_object_get_object_member (object, "user"), "password_hash"));
  g_clear_pointer (&response, json_node_unref);

  /* The token works, and stops working after logout. */
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/session", fixture->worker, NULL, &response), ==, 200);
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpuint (call (fixture, "DELETE", "/api/v1/session", fixture->worker, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/farms", fixture->worker, NULL, &response), ==, 401);
  g_assert_cmpstr (error_code (response), ==, "unauthenticated");
  g_clear_pointer (&response, json_node_unref);

  /* Unknown user and wrong password look the same. */
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/session", NULL,
                          "{\"username\":\"nobody\",\"password\":\"whatever1\"}", &response), ==, 401);
  g_assert_cmpstr (error_code (response), ==, "invalid_credentials");
  g_clear_pointer (&response, json_node_unref);

  g_assert_cmpuint (call (fixture, "POST", "/api/v1/session", NULL,
                          "{\"username\":\"worker\",\"password\":42}", &response), ==, 400);
  g_assert_cmpstr (error_field (response), ==, "password");
  g_clear_pointer (&response, json_node_unref);

  /* Five failures, then 429 with Retry-After — even for the right password. */
  for (int i = 0; i < FW_SERVER_LOGIN_ATTEMPTS; i++)
    g_assert_cmpuint (call (fixture, "POST", "/api/v1/session", NULL,
                            "{\"username\":\"worker\",\"password\":\"wrong-password\"}", NULL), ==, 401);
  g_assert_cmpuint (fw_test_server_call (fixture->server, "POST", "/api/v1/session", NULL, good,
                                         &response, &headers), ==, 429);
  g_assert_cmpstr (error_code (response), ==, "too_many_attempts");
  g_assert_cmpint (atoi (soup_message_headers_get_one (headers, "Retry-After")), >, 0);
  g_assert_cmpint (atoi (soup_message_headers_get_one (headers, "Retry-After")), <=, FW_SERVER_LOGIN_WINDOW);
}

/* Who may do what, and what another farm's ids reveal: nothing. */
static void
test_access_matrix (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *other_farm = g_uuid_string_random ();
  g_autofree char *other_site = g_uuid_string_random ();
  g_autofree char *other_unit = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *demo_site = NULL;
  g_autofree char *demo_unit = NULL;
  const char *device = fw_test_server_device_token (fixture->server);
  struct {
    const char *method;
    const char *suffix;    /* after /api/v1/farms/{id} */
    const char *body;
    guint       worker, manager, admin;
  } matrix[] = {
    { "GET", "", NULL, 404, 404, 200 },
    { "GET", "/units", NULL, 404, 404, 200 },
    { "GET", "/latest", NULL, 404, 404, 200 },
    { "POST", "/sites", "{\"name\":\"Sneaky\"}", 403, 404, 201 },
    { "DELETE", "", NULL, 404, 404, 200 },
  };

  /* An admin makes a second farm nobody else belongs to. */
  body = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Other farm\",\"timezone\":\"Asia/Dhaka\"}", other_farm);
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/farms", fixture->admin, body, NULL), ==, 201);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Block B\"}", other_site);
  path = g_strdup_printf ("/api/v1/farms/%s/sites", other_farm);
  g_assert_cmpuint (call (fixture, "POST", path, fixture->admin, body, NULL), ==, 201);
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&path, g_free);
  body = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Cage 9\",\"kind\":\"cage\"}", other_unit);
  path = g_strdup_printf ("/api/v1/sites/%s/units", other_site);
  g_assert_cmpuint (call (fixture, "POST", path, fixture->admin, body, NULL), ==, 201);
  g_clear_pointer (&path, g_free);

  /* Lists show only one's own farms. */
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/farms", fixture->worker, NULL, &response), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (response), "items")), ==, 1);
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/farms", fixture->admin, NULL, &response), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (response), "items")), ==, 2);
  g_clear_pointer (&response, json_node_unref);

  /* Another farm's unit: 404 with the same body as a unit that never was. */
  path = g_strdup_printf ("/api/v1/units/%s", other_unit);
  g_assert_cmpuint (call (fixture, "GET", path, fixture->worker, NULL, &response), ==, 404);
  g_assert_cmpstr (error_code (response), ==, "not_found");
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpuint (call (fixture, "GET", path, fixture->manager, NULL, NULL), ==, 404);
  g_assert_cmpuint (call (fixture, "GET", path, fixture->admin, NULL, NULL), ==, 200);
  g_clear_pointer (&path, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (matrix); i++)
    {
      path = g_strconcat ("/api/v1/farms/", other_farm, matrix[i].suffix, NULL);
      g_assert_cmpuint (call (fixture, matrix[i].method, path, fixture->worker, matrix[i].body, NULL), ==, matrix[i].worker);
      g_assert_cmpuint (call (fixture, matrix[i].method, path, fixture->manager, matrix[i].body, NULL), ==, matrix[i].manager);
      g_assert_cmpuint (call (fixture, matrix[i].method, path, fixture->admin, matrix[i].body, NULL), ==, matrix[i].admin);
      g_clear_pointer (&path, g_free);
    }

  /* Roles within one's own farm. */
  demo_ids (fixture, &demo_site, &demo_unit, NULL);
  path = g_strdup_printf ("/api/v1/farms/%s/sites", DEMO_FARM);
  g_assert_cmpuint (call (fixture, "POST", path, fixture->worker, "{\"name\":\"Worker's site\"}", NULL), ==, 403);
  g_assert_cmpuint (call (fixture, "POST", path, fixture->manager, "{\"name\":\"New block\"}", NULL), ==, 201);
  g_clear_pointer (&path, g_free);
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/farms", fixture->manager,
                          "{\"name\":\"Mine\",\"timezone\":\"UTC\"}", NULL), ==, 403);

  path = g_strdup_printf ("/api/v1/units/%s/logbook", demo_unit);
  g_assert_cmpuint (call (fixture, "POST", path, fixture->worker,
                          "{\"kind\":\"feeding\",\"occurred_at\":\"2026-11-20T06:30:00Z\",\"payload\":{\"kg\":12.5}}",
                          &response), ==, 201);
  /* The author is who the server knows, whatever the body says. */
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (json_node_get_object (response), "author_id")));
  g_clear_pointer (&response, json_node_unref);
  g_clear_pointer (&path, g_free);

  /* Admin-only routes; tokens of the wrong kind. */
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/status", fixture->worker, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/status", fixture->manager, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/users", fixture->manager, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/users", fixture->admin, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/farms", NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/farms", device, NULL, NULL), ==, 401);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/devices/self", fixture->admin, NULL, NULL), ==, 401);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/devices/self", device, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/nowhere", fixture->admin, NULL, NULL), ==, 404);
  g_assert_cmpuint (call (fixture, "PATCH", "/api/v1/farms", fixture->admin, NULL, NULL), ==, 405);
}

static void
test_malformed_bodies (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *site = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) huge = g_string_new ("{\"mutations\":[");
  g_autoptr(GString) many = g_string_new ("{\"mutations\":[");
  gint64 before = store_revision (fixture);
  struct {
    const char *body;
    guint       status;
    const char *code;
    const char *field;
  } cases[] = {
    { "this is not json", 400, "malformed_json", NULL },
    { "[1, 2, 3]", 400, "malformed_json", NULL },
    { "{\"name\": \"Pond 99\", \"kind\": \"pond\"", 400, "malformed_json", NULL },   /* truncated */
    { "{\"name\": 99, \"kind\": \"pond\"}", 400, "invalid_field", "name" },
    { "{\"kind\": \"pond\"}", 400, "invalid_field", "name" },
    { "{\"name\": \"Pond 99\", \"kind\": \"lake\"}", 400, "invalid_field", "kind" },
    { "{\"name\": \"Pond 99\", \"kind\": \"pond\", \"area_m2\": -5}", 400, "invalid_field", "area_m2" },
    { "{\"name\": \"Pond 99\", \"kind\": \"pond\", \"id\": \"not-a-uuid\"}", 400, "invalid_field", "id" },
    { "", 400, "missing_body", NULL },
  };

  demo_ids (fixture, &site, NULL, NULL);
  path = g_strdup_printf ("/api/v1/sites/%s/units", site);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) response = NULL;

      g_assert_cmpuint (call (fixture, "POST", path, fixture->manager, cases[i].body, &response), ==, cases[i].status);
      g_assert_cmpstr (error_code (response), ==, cases[i].code);
      g_assert_cmpstr (error_field (response), ==, cases[i].field);
      /* Every error names what is wrong in words too. */
      g_assert_cmpuint (strlen (json_object_get_string_member (
        json_object_get_object_member (json_node_get_object (response), "error"), "message")), >, 5);
    }

  /* A body over the limit is refused before it is read. */
  while (huge->len < FW_SERVER_MAX_BODY + 1024)
    g_string_append (huge, "{\"mutation_id\":\"0b8c6d1e-1111-4111-8111-111111111111\"},");
  g_string_append (huge, "{}]}");
  {
    g_autoptr(JsonNode) response = NULL;

    g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->worker, huge->str, &response), ==, 413);
    g_assert_cmpstr (error_code (response), ==, "body_too_large");
  }

  /* So is a batch with too many mutations. */
  for (guint i = 0; i <= FW_SERVER_MAX_MUTATIONS; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_string_append_printf (many, "%s{\"mutation_id\":\"%s\",\"entity\":\"site\",\"op\":\"delete\",\"id\":\"%s\"}",
                              i > 0 ? "," : "", id, id);
    }
  g_string_append (many, "]}");
  {
    g_autoptr(JsonNode) response = NULL;

    g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->worker, many->str, &response), ==, 413);
    g_assert_cmpstr (error_field (response), ==, "mutations");
  }

  /* None of it changed anything. */
  g_assert_cmpint (store_revision (fixture), ==, before);
}

static char *
unit_upsert (const char *mutation_id,
             const char *unit_id,
             const char *site_id,
             const char *name,
             gint64      base_revision)
{
  return g_strdup_printf ("{\"mutation_id\":\"%s\",\"entity\":\"unit\",\"op\":\"upsert\",\"base_revision\":%" G_GINT64_FORMAT ","
                          "\"record\":{\"id\":\"%s\",\"site_id\":\"%s\",\"name\":\"%s\",\"kind\":\"tank\","
                          "\"revision\":999999,\"created_at\":\"2001-01-01T00:00:00Z\"}}",
                          mutation_id, base_revision, unit_id, site_id, name);
}

static JsonObject *
result_at (JsonNode *response,
           guint     index)
{
  return json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "results"), index);
}

static void
test_push_idempotent (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *site = NULL;
  g_autofree char *unit = g_uuid_string_random ();
  g_autofree char *m1 = g_uuid_string_random ();
  g_autofree char *m2 = g_uuid_string_random ();
  g_autofree char *m3 = g_uuid_string_random ();
  g_autofree char *m4 = g_uuid_string_random ();
  g_autofree char *create = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) conflict = NULL;
  gint64 before, revision;

  demo_ids (fixture, &site, NULL, NULL);
  before = store_revision (fixture);

  create = unit_upsert (m1, unit, site, "Tank Z", 0);
  bad = g_strdup_printf ("{\"mutation_id\":\"%s\",\"entity\":\"unit\",\"op\":\"upsert\",\"record\":{\"id\":\"%s\",\"name\":7}}",
                         m2, unit);
  body = g_strdup_printf ("{\"mutations\":[%s,%s]}", create, bad);

  /* The same push twice: the same answers, applied once. */
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->manager, body, &first), ==, 200);
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->manager, body, &again), ==, 200);

  g_assert_cmpstr (json_object_get_string_member (result_at (first, 0), "status"), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (result_at (again, 0), "status"), ==, "applied");
  revision = json_object_get_int_member (result_at (first, 0), "revision");
  g_assert_cmpint (json_object_get_int_member (result_at (again, 0), "revision"), ==, revision);
  g_assert_cmpint (revision, ==, before + 1);
  g_assert_cmpint (store_revision (fixture), ==, before + 1);

  /* A bad mutation is rejected with its field, and stays rejected. */
  g_assert_cmpstr (json_object_get_string_member (result_at (first, 1), "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result_at (again, 1), "error"), "field"),
                   ==, "record.site_id");

  /* Server-owned fields are the server's. */
  path = g_strdup_printf ("/api/v1/units/%s", unit);
  g_assert_cmpuint (call (fixture, "GET", path, fixture->worker, NULL, &record), ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (record), "revision"), ==, revision);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (record), "created_at"), !=, "2001-01-01T00:00:00Z");

  /* An edit of an old revision is a conflict, answered with the server's version. */
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&create, g_free);
  create = unit_upsert (m3, unit, site, "Tank Z renamed", revision);
  stale = unit_upsert (m4, unit, site, "Tank Z stale", revision);
  body = g_strdup_printf ("{\"mutations\":[%s,%s]}", create, stale);
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->manager, body, &conflict), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result_at (conflict, 0), "status"), ==, "applied");
  g_assert_cmpstr (json_object_get_string_member (result_at (conflict, 1), "status"), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result_at (conflict, 1), "server_record"), "name"),
                   ==, "Tank Z renamed");
}

static void
collect_changes (Fixture     *fixture,
                 const char  *token,
                 const char  *cursor,
                 guint        limit,
                 GHashTable  *seen,
                 char       **last_cursor)
{
  g_autofree char *current = g_strdup (cursor);
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonNode) page = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/sync/pull?limit=%u%s%s", limit,
                                               current != NULL ? "&cursor=" : "", current ?: "");
      JsonArray *changes;

      g_assert_cmpuint (call (fixture, "GET", path, token, NULL, &page), ==, 200);
      changes = json_object_get_array_member (json_node_get_object (page), "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, limit);

      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *record = json_object_get_object_member (json_array_get_object_element (changes, i), "record");

          g_hash_table_insert (seen, g_strdup (json_object_get_string_member (record, "id")),
                               GINT_TO_POINTER (json_object_get_int_member (record, "revision")));
        }

      g_free (current);
      current = g_strdup (json_object_get_string_member (json_node_get_object (page), "cursor"));
      more = json_object_get_boolean_member (json_node_get_object (page), "more");
    }

  if (last_cursor != NULL)
    *last_cursor = g_steal_pointer (&current);
}

static void
test_pull_pages (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) whole = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) paged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) after = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) other = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(JsonNode) first_page = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *path = NULL;
  g_autofree char *middle = NULL;
  GHashTableIter iter;
  gpointer key, value;

  /* One big page and pages of seven hold the same changes. */
  collect_changes (fixture, fixture->worker, NULL, FW_SERVER_MAX_PULL_PAGE, whole, &cursor);
  collect_changes (fixture, fixture->worker, NULL, 7, paged, NULL);
  g_assert_cmpuint (g_hash_table_size (whole), ==, 1 + 3 + fw_demo_get_n_units () + fw_demo_get_n_sensors ());
  g_assert_cmpuint (g_hash_table_size (paged), ==, g_hash_table_size (whole));
  g_hash_table_iter_init (&iter, whole);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_true (g_hash_table_lookup (paged, key) == value);

  /* Resuming from a cursor in the middle gives the rest and no more. */
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/sync/pull?limit=10", fixture->worker, NULL, &first_page), ==, 200);
  middle = g_strdup (json_object_get_string_member (json_node_get_object (first_page), "cursor"));
  collect_changes (fixture, fixture->worker, middle, 100, other, NULL);
  g_assert_cmpuint (g_hash_table_size (other), ==, g_hash_table_size (whole) - 10);

  /* A delete travels as a tombstone after the cursor. */
  demo_ids (fixture, NULL, &unit, NULL);
  path = g_strdup_printf ("/api/v1/units/%s", unit);
  g_assert_cmpuint (call (fixture, "DELETE", path, fixture->manager, NULL, NULL), ==, 200);
  {
    g_autofree char *pull = g_strdup_printf ("/api/v1/sync/pull?cursor=%s", cursor);
    JsonArray *changes;
    JsonObject *record;

    g_assert_cmpuint (call (fixture, "GET", pull, fixture->worker, NULL, &response), ==, 200);
    changes = json_object_get_array_member (json_node_get_object (response), "changes");
    g_assert_cmpuint (json_array_get_length (changes), ==, 1);
    record = json_object_get_object_member (json_array_get_object_element (changes, 0), "record");
    g_assert_cmpstr (json_object_get_string_member (record, "id"), ==, unit);
    g_assert_true (json_object_get_boolean_member (record, "deleted"));
    g_clear_pointer (&response, json_node_unref);
  }

  /* An archived unit is gone from reads, and cannot be archived twice. */
  g_assert_cmpuint (call (fixture, "GET", path, fixture->worker, NULL, NULL), ==, 404);
  g_assert_cmpuint (call (fixture, "DELETE", path, fixture->manager, NULL, NULL), ==, 404);

  /* A cursor the store did not write asks for a full download. */
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/sync/pull?cursor=dGhpcyBpcyBub3QgYSBjdXJzb3I",
                          fixture->worker, NULL, &response), ==, 410);
  g_assert_cmpstr (error_code (response), ==, "resync_required");
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/sync/pull?limit=0", fixture->worker, NULL, NULL), ==, 400);
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/sync/pull?limit=5000", fixture->worker, NULL, NULL), ==, 400);

  (void) after;
}

static void
test_ingest_validation (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *device = fw_test_server_device_token (fixture->server);
  g_autoptr(JsonNode) self = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(JsonNode) readings = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *oxygen = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  JsonArray *sensors;
  JsonObject *batch;
  JsonArray *errors;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  FwTime start = now - now % 300 - 3600;

  g_assert_cmpuint (call (fixture, "GET", "/api/v1/devices/self", device, NULL, &self), ==, 200);
  sensors = json_object_get_array_member (json_node_get_object (self), "sensors");
  g_assert_cmpuint (json_array_get_length (sensors), ==, fw_demo_get_n_sensors ());
  for (guint i = 0; i < json_array_get_length (sensors); i++)
    {
      JsonObject *sensor = json_array_get_object_element (sensors, i);

      if (oxygen == NULL && g_str_equal (json_object_get_string_member (sensor, "parameter"), "dissolved_oxygen"))
        oxygen = g_strdup (json_object_get_string_member (sensor, "id"));
    }
  g_assert_nonnull (oxygen);

  /* Good, missing, not a number, out of range, duplicate, future: each
   * reading gets its own verdict; an unknown sensor fails its batch. */
  body = g_strdup_printf ("{\"batches\":["
                          "{\"sensor\":\"%s\",\"start\":%" G_GINT64_FORMAT ",\"interval\":300,"
                          " \"values\":[6.5, null, \"NaN\", 45.0, 6.4]},"
                          "{\"sensor\":\"%s\",\"times\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "],"
                          " \"values\":[6.1, 6.2, 6.3]},"
                          "{\"sensor\":\"0b8c6d1e-1111-4111-8111-111111111111\",\"start\":%" G_GINT64_FORMAT ",\"interval\":60,\"values\":[1,2]}"
                          "]}",
                          oxygen, start,
                          oxygen, start + 1800, start + 1800, now + 86400,
                          start);
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/ingest", device, body, &response), ==, 200);

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (response), "accepted"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (response), "rejected"), ==, 6);

  batch = json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "batches"), 0);
  errors = json_object_get_array_member (batch, "errors");
  g_assert_cmpuint (json_array_get_length (errors), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 0), "reason"), ==, "not_a_number");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (errors, 0), "index"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 1), "reason"), ==, "out_of_range");

  batch = json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "batches"), 1);
  errors = json_object_get_array_member (batch, "errors");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 0), "reason"), ==, "duplicate_time");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 1), "reason"), ==, "future_time");

  batch = json_array_get_object_element (json_object_get_array_member (json_node_get_object (response), "batches"), 2);
  g_assert_cmpstr (json_object_get_string_member (batch, "error"), ==, "unknown_sensor");
  g_clear_pointer (&response, json_node_unref);

  /* The same batch again adds nothing. */
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/ingest", device, body, NULL), ==, 200);

  path = g_strdup_printf ("/api/v1/sensors/%s/readings?from=%" G_GINT64_FORMAT, oxygen, start - 1);
  g_assert_cmpuint (call (fixture, "GET", path, fixture->worker, NULL, &readings), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (readings), "values")), ==, 3);
  g_clear_pointer (&readings, json_node_unref);
  g_clear_pointer (&path, g_free);

  /* Hourly rollups agree with the raw readings. */
  path = g_strdup_printf ("/api/v1/sensors/%s/readings?from=%" G_GINT64_FORMAT "&resolution=hour", oxygen, start - 3600);
  g_assert_cmpuint (call (fixture, "GET", path, fixture->worker, NULL, &readings), ==, 200);
  {
    JsonObject *object = json_node_get_object (readings);
    JsonArray *counts = json_object_get_array_member (object, "count");
    gint64 total = 0;

    for (guint i = 0; i < json_array_get_length (counts); i++)
      total += json_array_get_int_element (counts, i);
    g_assert_cmpint (total, ==, 3);
  }

  /* The farm-wide pages hold the same readings, page after page. */
  {
    g_autofree char *after = NULL;
    guint pages = 0, total = 0;

    do
      {
        g_autoptr(JsonNode) page = NULL;
        g_autofree char *farm_path = g_strdup_printf ("/api/v1/farms/%s/readings?from=%" G_GINT64_FORMAT "&limit=2%s%s",
                                                      FW_DEMO_FARM_UUID, start - 1,
                                                      after != NULL ? "&after=" : "", after ?: "");
        JsonArray *runs;
        JsonNode *next;

        g_assert_cmpuint (call (fixture, "GET", farm_path, fixture->worker, NULL, &page), ==, 200);
        runs = json_object_get_array_member (json_node_get_object (page), "sensors");
        for (guint i = 0; i < json_array_get_length (runs); i++)
          {
            JsonObject *run = json_array_get_object_element (runs, i);

            g_assert_cmpstr (json_object_get_string_member (run, "sensor_id"), ==, oxygen);
            total += json_array_get_length (json_object_get_array_member (run, "values"));
          }
        pages++;
        next = json_object_get_member (json_node_get_object (page), "next");
        g_clear_pointer (&after, g_free);
        if (!JSON_NODE_HOLDS_NULL (next))
          after = g_strdup (json_node_get_string (next));
      }
    while (after != NULL);

    g_assert_cmpuint (total, ==, 3);
    g_assert_cmpuint (pages, ==, 2);
  }

  /* Too many readings in one request. */
  g_string_append_printf (big, "{\"batches\":[{\"sensor\":\"%s\",\"start\":1700000000,\"interval\":1,\"values\":[", oxygen);
  for (guint i = 0; i <= FW_SERVER_MAX_READINGS; i++)
    g_string_append (big, i > 0 ? ",7" : "7");
  g_string_append (big, "]}]}");
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/ingest", device, big->str, &response), ==, 413);
  g_assert_cmpstr (error_code (response), ==, "too_many_readings");
  g_clear_pointer (&response, json_node_unref);

  g_assert_cmpuint (call (fixture, "POST", "/api/v1/ingest", device, "{\"batches\":[{\"sensor\":\"x\"}]}", &response), ==, 400);
  g_assert_cmpstr (error_field (response), ==, "batches[0].values");
}

static void
test_health_and_metrics (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = g_strconcat (fixture->server->base_url, "/metrics", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *promtool = g_find_program_in_path ("promtool");
  gsize length;

  g_assert_cmpuint (call (fixture, "GET", "/healthz", NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "GET", "/readyz", NULL, NULL, NULL), ==, 200);

  bytes = soup_session_send_and_read (fixture->server->session, message, NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, &length), g_bytes_get_size (bytes));

  g_assert_nonnull (strstr (text, "fishwatch_http_requests_total{route=\"/readyz\",method=\"GET\",status_class=\"2xx\"} 1"));
  g_assert_nonnull (strstr (text, "fishwatch_http_request_duration_seconds_bucket{route=\"/api/v1/session\",method=\"POST\",le=\"+Inf\"} 3"));
  g_assert_nonnull (strstr (text, "fishwatch_build_info{version=\"" PACKAGE_VERSION "\""));
  g_assert_nonnull (strstr (text, "environment=\"development\"} 1"));
  g_assert_nonnull (strstr (text, "fishwatch_logins_total{result=\"success\"} 3"));
  g_assert_nonnull (strstr (text, "process_resident_memory_bytes "));
  g_assert_nonnull (strstr (text, "fishwatch_store_up 1"));
  /* No farm, unit or sensor ever becomes a label. */
  g_assert_null (strstr (text, FW_DEMO_FARM_UUID));

  if (promtool == NULL)
    {
      g_test_message ("promtool is not installed (Debian's prometheus package); the exposition was not linted");
      return;
    }

  {
    const char *argv[] = { promtool, "check", "metrics", NULL };
    g_autoptr(GSubprocess) lint = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                           G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                           G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
    g_autofree char *output = NULL;

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (lint, text, NULL, &output, NULL, &error);
    g_assert_no_error (error);
    if (!g_subprocess_get_if_exited (lint) || g_subprocess_get_exit_status (lint) != 0)
      g_error ("promtool check metrics failed:\n%s", output);
  }
}

typedef struct
{
  GPid      pid;
  gboolean  signalled;
  GBytes   *answer;
  GError   *error;
  gboolean  done;
} InFlight;

static void
on_wrote_body_cb (SoupMessage *message,
                  InFlight    *flight)
{
  /* The request is on its way: now ask the server to stop. */
  kill (flight->pid, SIGTERM);
  flight->signalled = TRUE;
}

static void
on_answered_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  InFlight *flight = user_data;

  flight->answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &flight->error);
  flight->done = TRUE;
}

static void
test_stop_finishes_in_flight (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *device = fw_test_server_device_token (fixture->server);
  g_autoptr(JsonNode) self = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *url = g_strconcat (fixture->server->base_url, "/api/v1/ingest", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", device, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(SoupSession) fresh = soup_session_new ();
  g_autoptr(SoupMessage) late = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  InFlight flight = { fixture->server->pid, FALSE, NULL, NULL, FALSE };
  JsonArray *sensors;
  FwTime now = g_get_real_time () / G_USEC_PER_SEC;
  guint per_sensor = 2000;

  /* A large ingest: long enough to be in flight when SIGTERM comes. */
  g_assert_cmpuint (call (fixture, "GET", "/api/v1/devices/self", device, NULL, &self), ==, 200);
  sensors = json_object_get_array_member (json_node_get_object (self), "sensors");
  g_string_append (body, "{\"batches\":[");
  for (guint s = 0; s < 40; s++)
    {
      g_string_append_printf (body, "%s{\"sensor\":\"%s\",\"start\":%" G_GINT64_FORMAT ",\"interval\":60,\"values\":[",
                              s > 0 ? "," : "",
                              json_object_get_string_member (json_array_get_object_element (sensors, s), "id"),
                              now - (FwTime) per_sensor * 60);
      for (guint i = 0; i < per_sensor; i++)
        g_string_append (body, i > 0 ? ",7.25" : "7.25");
      g_string_append (body, "]}");
    }
  g_string_append (body, "]}");

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  bytes = g_bytes_new (body->str, body->len);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  g_signal_connect (message, "wrote-body", G_CALLBACK (on_wrote_body_cb), &flight);

  soup_session_send_and_read_async (fixture->server->session, message, G_PRIORITY_DEFAULT, NULL,
                                    on_answered_cb, &flight);
  while (!flight.done)
    g_main_context_iteration (NULL, TRUE);

  /* The request in flight was answered in full after the signal. */
  g_assert_true (flight.signalled);
  g_assert_no_error (flight.error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  answer = json_from_string (g_bytes_get_data (flight.answer, NULL), NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "accepted"), ==, 40 * per_sensor);
  g_bytes_unref (flight.answer);

  /* And nobody new gets in. */
  late = soup_message_new ("GET", fixture->server->base_url);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = soup_session_send_and_read (fresh, late, NULL, &error);
  g_assert_nonnull (error);
}

/* Requests that once crashed the server or got a wrong answer. */
static void
test_regressions (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *site = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *unit = g_uuid_string_random ();
  g_autofree char *mutation = g_uuid_string_random ();

  /* Fields of the wrong type in places that are read as strings. */
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->worker,
                          "{\"mutations\":[{\"mutation_id\":\"0b8c6d1e-2222-4222-8222-222222222222\",\"entity\":\"unit\",\"op\":7}]}",
                          &response), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (result_at (response, 0), "status"), ==, "rejected");
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/farms/" DEMO_FARM "/devices", fixture->manager,
                          "{\"name\": 12}", &response), ==, 400);
  g_assert_cmpstr (error_field (response), ==, "name");
  g_clear_pointer (&response, json_node_unref);

  /* A REST create retried with its Idempotency-Key: the same record. */
  demo_ids (fixture, &site, NULL, NULL);
  path = g_strdup_printf ("/api/v1/sites/%s/units", site);
  {
    g_autoptr(SoupMessage) first = NULL;
    g_autoptr(SoupMessage) second = NULL;
    g_autoptr(GBytes) a = NULL;
    g_autoptr(GBytes) b = NULL;
    g_autoptr(JsonNode) one = NULL;
    g_autoptr(JsonNode) two = NULL;
    g_autofree char *authorization = g_strconcat ("Bearer ", fixture->manager, NULL);
    static const char retried[] = "{\"name\":\"Retried\",\"kind\":\"tank\"}";
    g_autoptr(GBytes) content = g_bytes_new_static (retried, strlen (retried));

    url = g_strconcat (fixture->server->base_url, path, NULL);
    first = soup_message_new ("POST", url);
    second = soup_message_new ("POST", url);
    soup_message_headers_replace (soup_message_get_request_headers (first), "Authorization", authorization);
    soup_message_headers_replace (soup_message_get_request_headers (second), "Authorization", authorization);
    soup_message_headers_replace (soup_message_get_request_headers (first), "Idempotency-Key", key);
    soup_message_headers_replace (soup_message_get_request_headers (second), "Idempotency-Key", key);
    soup_message_set_request_body_from_bytes (first, "application/json", content);
    soup_message_set_request_body_from_bytes (second, "application/json", content);
    a = soup_session_send_and_read (fixture->server->session, first, NULL, NULL);
    b = soup_session_send_and_read (fixture->server->session, second, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (first), ==, 201);
    g_assert_cmpuint (soup_message_get_status (second), ==, 201);
    one = json_from_string (g_bytes_get_data (a, NULL), NULL);
    two = json_from_string (g_bytes_get_data (b, NULL), NULL);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (one), "id"), ==,
                     json_object_get_string_member (json_node_get_object (two), "id"));
  }

  /* A conflict answered again carries the server's record again. */
  {
    g_autofree char *create_id = g_uuid_string_random ();
    g_autofree char *create = unit_upsert (create_id, unit, site, "First", 0);
    g_autofree char *late = unit_upsert (mutation, unit, site, "Late edit", 3);
    g_autofree char *first_push = g_strdup_printf ("{\"mutations\":[%s]}", create);

    body = g_strdup_printf ("{\"mutations\":[%s]}", late);
    g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->manager, first_push, NULL), ==, 200);
  }
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->manager, body, &response), ==, 200);
      g_assert_cmpstr (json_object_get_string_member (result_at (response, 0), "status"), ==, "conflict");
      g_assert_true (json_object_has_member (result_at (response, 0), "server_record"));
      g_clear_pointer (&response, json_node_unref);
    }

  /* The same mutation id from another user is not theirs to replay. */
  g_assert_cmpuint (call (fixture, "POST", "/api/v1/sync/push", fixture->worker, body, &response), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result_at (response, 0), "error"), "code"),
                   ==, "duplicate_mutation_id");
  g_clear_pointer (&response, json_node_unref);

  /* A cursor ahead of the store: its data went back in time. */
  {
    g_autofree char *plain = NULL;
    g_autofree char *encoded = NULL;
    g_autoptr(JsonNode) page = NULL;
    g_autofree char *cursor_path = NULL;
    gsize length;
    g_autofree guchar *decoded = NULL;
    g_autofree char *cursor = NULL;

    g_assert_cmpuint (call (fixture, "GET", "/api/v1/sync/pull?limit=1", fixture->worker, NULL, &page), ==, 200);
    cursor = g_strdup (json_object_get_string_member (json_node_get_object (page), "cursor"));
    g_strdelimit (cursor, "-", '+');
    g_strdelimit (cursor, "_", '/');
    decoded = g_base64_decode (cursor, &length);
    plain = g_strndup ((char *) decoded, length);
    *strrchr (plain, '.') = '\0';
    encoded = g_strdup_printf ("%s.999999999", plain);
    g_free (cursor);
    cursor = g_base64_encode ((guchar *) encoded, strlen (encoded));
    g_strdelimit (cursor, "+", '-');
    g_strdelimit (cursor, "/", '_');
    cursor_path = g_strdup_printf ("/api/v1/sync/pull?cursor=%s", cursor);
    g_assert_cmpuint (call (fixture, "GET", cursor_path, fixture->worker, NULL, &response), ==, 410);
    g_assert_cmpstr (error_code (response), ==, "resync_required");
    g_clear_pointer (&response, json_node_unref);
  }

  /* 405 says what the path takes; 401 how to authenticate. */
  g_assert_cmpuint (fw_test_server_call (fixture->server, "PATCH", "/api/v1/farms", fixture->admin, NULL,
                                         NULL, &headers), ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Allow"), ==, "GET, POST");
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_assert_cmpuint (fw_test_server_call (fixture->server, "GET", "/api/v1/farms", NULL, NULL, NULL, &headers), ==, 401);
  g_assert_nonnull (soup_message_headers_get_one (headers, "WWW-Authenticate"));
}

/* Every route the code serves is in the OpenAPI document, and the
 * document describes no route the code does not serve. */
static void
test_openapi_matches_routes (void)
{
  const char *path = g_getenv ("FISHWATCH_OPENAPI");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const *routes = fw_server_get_routes ();
  JsonObject *paths;
  g_autoptr(GList) names = NULL;
  guint n_routes = 0;

  g_assert_nonnull (path);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "openapi"),
                   ==, "3.0.3");
  paths = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "paths");
  names = json_object_get_members (paths);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (paths, l->data);
      g_autoptr(GList) methods = json_object_get_members (item);

      for (GList *m = methods; m != NULL; m = m->next)
        {
          if (g_str_equal (m->data, "parameters"))
            continue;
          g_hash_table_add (documented, g_strdup_printf ("%s %s", g_ascii_strup (m->data, -1), (char *) l->data));
        }
    }

  for (; routes[n_routes] != NULL; n_routes++)
    {
      if (!g_hash_table_contains (documented, routes[n_routes]))
        g_error ("%s is served but not in docs/openapi.json", routes[n_routes]);
    }

  g_assert_cmpuint (g_hash_table_size (documented), ==, n_routes);
}

int
main (int   argc,
      char *argv[])
{
  fw_test_init (&argc, &argv);
  fw_test_server_check_store ();

#define ADD(name, func) \
  g_test_add ("/server/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("login", test_login);
  ADD ("access-matrix", test_access_matrix);
  ADD ("malformed-bodies", test_malformed_bodies);
  ADD ("push-idempotent", test_push_idempotent);
  ADD ("pull-pages", test_pull_pages);
  ADD ("ingest-validation", test_ingest_validation);
  ADD ("health-and-metrics", test_health_and_metrics);
  ADD ("stop-finishes-in-flight", test_stop_finishes_in_flight);
  ADD ("regressions", test_regressions);
  g_test_add_func ("/server/openapi-matches-routes", test_openapi_matches_routes);

#undef ADD

  return g_test_run ();
}
