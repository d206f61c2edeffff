/* fw-server-routes.c — what each route of the API does
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Handlers run in worker threads with the caller already authenticated.
 * Every record handler checks that the caller may see the record's farm,
 * and answers 404 when not, exactly as for a record that does not exist:
 * another farm's ids reveal nothing. Writes, whether a REST call or a sync
 * push, go through the same mutations of the store, so they follow the
 * same rules and leave the same change trail for sync.
 *
 * docs/openapi.json describes these routes; a test holds the two together.
 */

#include "config.h"

#include <math.h>

#include "fw-build-info.h"
#include "fw-password.h"
#include "fw-server-log.h"
#include "fw-server-private.h"

#define CURSOR_PREFIX "v1."
#define MAX_REJECTIONS_REPORTED 100

/* A member of a client's object as a string, or @fallback when it is
 * missing or not a string: json-glib's own accessor answers NULL for a
 * number where a string was expected. */
static const char *
input_string (JsonObject *object,
              const char *name,
              const char *fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;

  return json_node_get_string (node);
}

/* The shortest text that reads back as the same double: "7.1", where
 * json-glib writes "7.0999999999999996". Readings are most of what the
 * readings endpoints send, so their size matters. */
static void
append_double (GString *out,
               double   value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 15; digits <= 17; digits++)
    {
      g_ascii_formatd (text, sizeof text, digits == 15 ? "%.15g" : digits == 16 ? "%.16g" : "%.17g", value);
      if (g_ascii_strtod (text, NULL) == value)
        break;
    }

  g_string_append (out, text);
}

static JsonNode *
node_from_builder (JsonBuilder *builder)
{
  return json_builder_get_root (builder);
}

/* The record @request->id names, if the caller may see it. */
static JsonNode *
load_visible (FwRequest *request,
              FwEntity   entity,
              char     **farm_uuid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *farm = NULL;
  JsonNode *record;

  if (request->id == NULL || !g_uuid_string_is_valid (request->id))
    {
      fw_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "No such record", "id");
      return NULL;
    }

  record = fw_store_get_record (request->store, entity, request->id, &farm, &error);
  if (record == NULL)
    {
      if (g_error_matches (error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND))
        fw_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "No such record", "id");
      else
        fw_request_fail_store (request, error);
      return NULL;
    }

  if (!fw_user_can_see_farm (request->user, farm) ||
      json_object_get_boolean_member_with_default (json_node_get_object (record), "deleted", FALSE))
    {
      json_node_unref (record);
      fw_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "No such record", "id");
      return NULL;
    }

  if (farm_uuid != NULL)
    *farm_uuid = g_steal_pointer (&farm);
  return record;
}

static void
respond_list (FwRequest *request,
              GPtrArray *records)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    json_builder_add_value (builder, json_node_ref (g_ptr_array_index (records, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_OK, root);
}

/* GET /api/v1/farms */
static void
handle_list_farms (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) farms = fw_store_list_records (request->store, FW_ENTITY_FARM, NULL, NULL, &error);
  g_autoptr(GPtrArray) visible = g_ptr_array_new ();

  if (farms == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  for (guint i = 0; i < farms->len; i++)
    {
      JsonNode *farm = g_ptr_array_index (farms, i);
      const char *uuid = json_object_get_string_member (json_node_get_object (farm), "id");

      if (fw_user_can_see_farm (request->user, uuid))
        g_ptr_array_add (visible, farm);
    }

  respond_list (request, visible);
}

/* GET /api/v1/{entity}s/{id} */
static void
handle_get_record (FwRequest *request)
{
  g_autoptr(JsonNode) record = load_visible (request, request->route->entity, NULL);

  if (record != NULL)
    fw_request_respond (request, SOUP_STATUS_OK, record);
}

/* GET /api/v1/{parent}s/{id}/{entity}s: the children of a visible parent.
 * Units and sensors of a farm are listed by farm; the rest by parent. */
static void
handle_list_children (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonNode) parent = NULL;
  g_autofree char *farm = NULL;
  const FwRoute *route = request->route;

  parent = load_visible (request, route->parent, &farm);
  if (parent == NULL)
    return;

  if (route->parent == FW_ENTITY_FARM)
    records = fw_store_list_records (request->store, route->entity, farm, NULL, &error);
  else
    records = fw_store_list_records (request->store, route->entity, NULL, request->id, &error);

  if (records == NULL)
    fw_request_fail_store (request, error);
  else
    respond_list (request, records);
}

static const char *
parent_field (FwEntity entity)
{
  switch (entity)
    {
    case FW_ENTITY_SITE:
    case FW_ENTITY_ALERT_RULE:
      return "farm_id";
    case FW_ENTITY_UNIT:
      return "site_id";
    case FW_ENTITY_SENSOR:
    case FW_ENTITY_LOGBOOK_ENTRY:
    case FW_ENTITY_ALERT:
      return "unit_id";
    case FW_ENTITY_FARM:
    default:
      return NULL;
    }
}

/* The alert engine reads rules again when one of them changed here. */
static void
notice_rule_changes (FwRequest *request,
                     GPtrArray *mutations,
                     GPtrArray *results)
{
  for (guint i = 0; i < results->len && i < mutations->len; i++)
    {
      FwMutation *mutation = g_ptr_array_index (mutations, i);
      FwMutationResult *result = g_ptr_array_index (results, i);

      if (mutation->entity == FW_ENTITY_ALERT_RULE && result->status == FW_MUTATION_APPLIED)
        {
          fw_alert_engine_forget_rules (request->alerts);
          return;
        }
    }
}

/* A REST write as a one-mutation push, answered as REST answers. */
static void
write_one (FwRequest  *request,
           FwMutation *mutation,
           guint       success_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_mutation_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(JsonNode) record = NULL;
  FwMutationResult *result;

  g_ptr_array_add (mutations, mutation);
  results = fw_store_apply_mutations (request->store, request->user, mutations, request->now, &error);
  if (results == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  result = g_ptr_array_index (results, 0);
  fw_metrics_add (request->metrics, FW_COUNTER_SYNC_MUTATIONS, fw_mutation_status_to_string (result->status), 1);
  notice_rule_changes (request, mutations, results);

  switch (result->status)
    {
    case FW_MUTATION_APPLIED:
      /* A repeated call gets the record of its first answer. */
      record = fw_store_get_record (request->store, mutation->entity,
                                    result->record_uuid ?: mutation->record_uuid, NULL, &error);
      if (record == NULL)
        fw_request_fail_store (request, error);
      else
        fw_request_respond (request, success_status, record);
      break;

    case FW_MUTATION_CONFLICT:
      {
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "error");
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "code");
        json_builder_add_string_value (builder, "conflict");
        json_builder_set_member_name (builder, "message");
        json_builder_add_string_value (builder, result->message);
        json_builder_set_member_name (builder, "field");
        json_builder_add_string_value (builder, "revision");
        json_builder_end_object (builder);
        json_builder_set_member_name (builder, "server_record");
        json_builder_add_value (builder, json_node_ref (result->server_record));
        json_builder_end_object (builder);
        root = node_from_builder (builder);
        fw_request_respond (request, SOUP_STATUS_CONFLICT, root);
        g_free (request->error_code);
        request->error_code = g_strdup ("conflict");
      }
      break;

    case FW_MUTATION_REJECTED:
      if (g_strcmp0 (result->code, "not_found") == 0 || g_strcmp0 (result->code, "unknown_parent") == 0)
        fw_request_fail (request, SOUP_STATUS_NOT_FOUND, result->code, result->message, result->field);
      else if (g_strcmp0 (result->code, "forbidden") == 0)
        fw_request_fail (request, SOUP_STATUS_FORBIDDEN, result->code, result->message, result->field);
      else
        fw_request_fail (request, FW_STATUS_UNPROCESSABLE, result->code, result->message, result->field);
      break;

    default:
      g_assert_not_reached ();
    }
}

static FwMutation *
mutation_new (FwRequest *request)
{
  FwMutation *mutation = g_new0 (FwMutation, 1);

  /* A client that sends Idempotency-Key may retry the call safely. */
  if (request->idempotency_key != NULL && g_uuid_string_is_valid (request->idempotency_key))
    mutation->mutation_id = g_strdup (request->idempotency_key);
  else
    mutation->mutation_id = g_uuid_string_random ();

  mutation->entity = request->route->entity;
  return mutation;
}

/* Reads the record of a POST or PUT. @parent_uuid, when given, is the
 * parent named by the path, which wins over the body. */
static FwRecord *
decode_body (FwRequest  *request,
             const char *uuid,
             const char *parent_uuid,
             gint64     *revision)
{
  g_autoptr(JsonNode) body = fw_request_parse_body (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *new_uuid = NULL;
  JsonObject *object;
  FwRecord *record;

  if (body == NULL)
    return NULL;

  object = json_node_get_object (body);

  if (uuid != NULL)
    json_object_set_string_member (object, "id", uuid);
  else if (!json_object_has_member (object, "id"))
    {
      new_uuid = g_uuid_string_random ();
      json_object_set_string_member (object, "id", new_uuid);
    }

  if (parent_uuid != NULL)
    json_object_set_string_member (object, parent_field (request->route->entity), parent_uuid);

  if (revision != NULL)
    {
      JsonNode *node = json_object_get_member (object, "revision");

      if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "missing_field",
                           "An update names the revision it edits", "revision");
          return NULL;
        }
      *revision = json_node_get_int (node);
    }

  record = fw_wire_decode_record (request->route->entity, body, request->now, &field, &error);
  if (record == NULL)
    fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", error->message, field);

  return record;
}

/* POST to a collection: a new record under the parent in the path. */
static void
handle_create (FwRequest *request)
{
  FwMutation *mutation;
  FwRecord *record;

  if (request->route->entity != FW_ENTITY_FARM &&
      (request->id == NULL || !g_uuid_string_is_valid (request->id)))
    {
      fw_request_fail (request, SOUP_STATUS_NOT_FOUND, "not_found", "No such record", "id");
      return;
    }

  record = decode_body (request, NULL,
                        request->route->entity == FW_ENTITY_FARM ? NULL : request->id, NULL);
  if (record == NULL)
    return;

  mutation = mutation_new (request);
  mutation->record_uuid = g_strdup (fw_record_get_uuid (record));
  mutation->record = record;
  write_one (request, mutation, SOUP_STATUS_CREATED);
}

/* PUT on a record: an edit of the revision the body names. */
static void
handle_update (FwRequest *request)
{
  g_autoptr(JsonNode) current = load_visible (request, request->route->entity, NULL);
  FwMutation *mutation;
  FwRecord *record;
  gint64 revision;

  if (current == NULL)
    return;

  record = decode_body (request, request->id, NULL, &revision);
  if (record == NULL)
    return;

  mutation = mutation_new (request);
  mutation->record_uuid = g_strdup (request->id);
  mutation->record = record;
  mutation->base_revision = revision;
  write_one (request, mutation, SOUP_STATUS_OK);
}

/* DELETE on a record archives it: a tombstone that sync carries. An
 * optional ?revision= makes it conditional. */
static void
handle_archive (FwRequest *request)
{
  g_autoptr(JsonNode) current = load_visible (request, request->route->entity, NULL);
  const char *revision = fw_request_get_query (request, "revision");
  FwMutation *mutation;

  if (current == NULL)
    return;

  mutation = mutation_new (request);
  mutation->record_uuid = g_strdup (request->id);
  mutation->delete = TRUE;
  mutation->base_revision = json_object_get_int_member (json_node_get_object (current), "revision");
  if (revision != NULL && !g_ascii_string_to_signed (revision, 10, 0, G_MAXINT64, &mutation->base_revision, NULL))
    {
      fw_mutation_free (mutation);
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "revision must be a whole number", "revision");
      return;
    }

  write_one (request, mutation, SOUP_STATUS_OK);
}

/* POST /api/v1/session */
static void
handle_login (FwRequest *request)
{
  g_autoptr(JsonNode) body = fw_request_parse_body (request);
  g_autoptr(GError) error = NULL;
  g_autoptr(FwUser) user = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires = NULL;
  const char *username, *password;
  JsonObject *object;
  guint failures = 0;
  FwTime window_start = 0;

  if (body == NULL)
    return;

  object = json_node_get_object (body);
  if (!json_object_has_member (object, "username") ||
      json_node_get_value_type (json_object_get_member (object, "username")) != G_TYPE_STRING)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "username must be a string", "username");
      return;
    }
  if (!json_object_has_member (object, "password") ||
      json_node_get_value_type (json_object_get_member (object, "password")) != G_TYPE_STRING)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "password must be a string", "password");
      return;
    }
  username = json_object_get_string_member (object, "username");
  password = json_object_get_string_member (object, "password");

  /* Throttled per account and address: guessing one account from many
   * addresses, or many accounts from one, both hit a limit. */
  key = g_strdup_printf ("%s|%s", username, request->client);
  if (!fw_store_throttle_login (request->store, key, FW_LOGIN_ATTEMPT_CHECK, request->now,
                                FW_SERVER_LOGIN_WINDOW, &failures, &window_start, &error))
    {
      fw_request_fail_store (request, error);
      return;
    }

  if (failures >= FW_SERVER_LOGIN_ATTEMPTS)
    {
      fw_request_fail (request, FW_STATUS_TOO_MANY_REQUESTS, "too_many_attempts",
                       "Too many failed sign-ins; wait before trying again", NULL);
      request->retry_after = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              MAX (1, window_start + FW_SERVER_LOGIN_WINDOW - request->now));
      fw_metrics_add (request->metrics, FW_COUNTER_LOGINS, "throttled", 1);
      return;
    }

  user = fw_store_find_user (request->store, username, &error);
  if (error != NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  if (!fw_password_verify (user != NULL ? user->password_hash : NULL, password))
    {
      fw_store_throttle_login (request->store, key, FW_LOGIN_ATTEMPT_FAILED, request->now,
                               FW_SERVER_LOGIN_WINDOW, NULL, NULL, NULL);
      fw_metrics_add (request->metrics, FW_COUNTER_LOGINS, "failure", 1);
      fw_request_fail (request, SOUP_STATUS_UNAUTHORIZED, "invalid_credentials",
                       "The user name or password is wrong", NULL);
      return;
    }

  fw_store_throttle_login (request->store, key, FW_LOGIN_ATTEMPT_SUCCEEDED, request->now,
                           FW_SERVER_LOGIN_WINDOW, NULL, NULL, NULL);

  token = fw_token_new (FW_SESSION_TOKEN_PREFIX);
  token_hash = fw_token_hash (token);
  if (!fw_store_add_session (request->store, user, token_hash,
                             request->now + FW_SERVER_SESSION_SECONDS, &error))
    {
      fw_request_fail_store (request, error);
      return;
    }

  fw_metrics_add (request->metrics, FW_COUNTER_LOGINS, "success", 1);
  request->user = g_steal_pointer (&user);
  g_clear_pointer (&request->user->password_hash, g_free);

  expires = fw_wire_format_time (request->now + FW_SERVER_SESSION_SECONDS);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, fw_user_to_json (request->user));
  json_builder_end_object (builder);
  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_CREATED, root);
}

/* GET /api/v1/session */
static void
handle_whoami (FwRequest *request)
{
  g_autoptr(JsonNode) user = fw_user_to_json (request->user);

  fw_request_respond (request, SOUP_STATUS_OK, user);
}

/* DELETE /api/v1/session */
static void
handle_logout (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = fw_token_hash (request->authorization + strlen ("Bearer "));

  if (!fw_store_remove_session (request->store, hash, &error))
    fw_request_fail_store (request, error);
  else
    fw_request_respond_text (request, SOUP_STATUS_OK, "application/json", g_strdup ("{}"));
}

/* GET /api/v1/users */
static void
handle_list_users (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = fw_store_list_users (request->store, &error);
  g_autoptr(GPtrArray) items = NULL;

  if (users == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  items = g_ptr_array_new_full (users->len, (GDestroyNotify) json_node_unref);
  for (guint i = 0; i < users->len; i++)
    g_ptr_array_add (items, fw_user_to_json (g_ptr_array_index (users, i)));
  respond_list (request, items);
}

/* POST /api/v1/users */
static void
handle_create_user (FwRequest *request)
{
  g_autoptr(JsonNode) body = fw_request_parse_body (request);
  g_autoptr(FwUser) user = fw_user_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *role;

  if (body == NULL)
    return;

  object = json_node_get_object (body);

  node = json_object_get_member (object, "username");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING ||
      strlen (json_node_get_string (node)) == 0 || strlen (json_node_get_string (node)) > 64)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "username must be a string of 1 to 64 characters", "username");
      return;
    }
  user->username = g_strdup (json_node_get_string (node));

  node = json_object_get_member (object, "password");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING ||
      g_utf8_strlen (json_node_get_string (node), -1) < 8)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "password must be at least 8 characters", "password");
      return;
    }

  role = input_string (object, "role", "");
  if (!fw_role_from_string (role, &user->role))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "role must be worker, manager or admin", "role");
      return;
    }

  user->display_name = g_strdup (input_string (object, "display_name", ""));

  node = json_object_get_member (object, "farms");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *farms = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      for (guint i = 0; farms != NULL && i < json_array_get_length (farms); i++)
        {
          JsonNode *farm = json_array_get_element (farms, i);
          g_autoptr(JsonNode) record = NULL;

          if (json_node_get_value_type (farm) != G_TYPE_STRING ||
              !g_uuid_string_is_valid (json_node_get_string (farm)) ||
              (record = fw_store_get_record (request->store, FW_ENTITY_FARM,
                                             json_node_get_string (farm), NULL, NULL)) == NULL)
            {
              fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                               "farms must list ids of existing farms", "farms");
              return;
            }
          g_ptr_array_add (user->farm_uuids, g_strdup (json_node_get_string (farm)));
        }

      if (farms == NULL)
        {
          fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "farms must be an array", "farms");
          return;
        }
    }

  hash = fw_password_hash (json_object_get_string_member (object, "password"), &error);
  if (hash == NULL)
    {
      fw_request_fail (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", error->message, NULL);
      return;
    }

  user->uuid = g_uuid_string_random ();
  if (!fw_store_add_user (request->store, user, hash, &error))
    {
      if (g_error_matches (error, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS))
        fw_request_fail (request, SOUP_STATUS_CONFLICT, "exists", error->message, "username");
      else
        fw_request_fail_store (request, error);
      return;
    }

  answer = fw_user_to_json (user);
  fw_request_respond (request, SOUP_STATUS_CREATED, answer);
}

/* POST /api/v1/farms/{id}/devices: a gateway's token, shown once. */
static void
handle_create_device (FwRequest *request)
{
  g_autoptr(JsonNode) farm = load_visible (request, FW_ENTITY_FARM, NULL);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *uuid = NULL;
  const char *name;

  if (farm == NULL || (body = fw_request_parse_body (request)) == NULL)
    return;

  name = input_string (json_node_get_object (body), "name", "");
  if (*name == '\0' || strlen (name) > 200)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "name must be a string of 1 to 200 characters", "name");
      return;
    }

  token = fw_token_new (FW_DEVICE_TOKEN_PREFIX);
  hash = fw_token_hash (token);
  if (!fw_store_add_device (request->store, request->id, name, hash, &uuid, &error))
    {
      fw_request_fail_store (request, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "farm_id");
  json_builder_add_string_value (builder, request->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_end_object (builder);
  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_CREATED, root);
}

static const char *
member_string (JsonNode   *record,
               const char *name)
{
  return json_object_get_string_member_with_default (json_node_get_object (record), name, "");
}

/* GET /api/v1/devices/self: the gateway's farm and what it measures. */
static void
handle_device_self (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GHashTable) by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  units = fw_store_list_records (request->store, FW_ENTITY_UNIT, request->device->farm_uuid, NULL, &error);
  if (units != NULL)
    sensors = fw_store_list_records (request->store, FW_ENTITY_SENSOR, request->device->farm_uuid, NULL, &error);
  if (sensors == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  for (guint i = 0; i < units->len; i++)
    g_hash_table_insert (by_uuid, (gpointer) member_string (g_ptr_array_index (units, i), "id"),
                         g_ptr_array_index (units, i));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, request->device->uuid);
  json_builder_set_member_name (builder, "farm_id");
  json_builder_add_string_value (builder, request->device->farm_uuid);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, request->device->name);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "sensors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sensors->len; i++)
    {
      JsonNode *sensor = g_ptr_array_index (sensors, i);
      JsonNode *unit = g_hash_table_lookup (by_uuid, member_string (sensor, "unit_id"));

      if (unit == NULL)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, member_string (sensor, "id"));
      json_builder_set_member_name (builder, "unit_id");
      json_builder_add_string_value (builder, member_string (unit, "id"));
      json_builder_set_member_name (builder, "unit_name");
      json_builder_add_string_value (builder, member_string (unit, "name"));
      json_builder_set_member_name (builder, "unit_kind");
      json_builder_add_string_value (builder, member_string (unit, "kind"));
      json_builder_set_member_name (builder, "species");
      json_builder_add_string_value (builder, member_string (unit, "species"));
      json_builder_set_member_name (builder, "parameter");
      json_builder_add_string_value (builder, member_string (sensor, "parameter"));
      json_builder_set_member_name (builder, "interval");
      json_builder_add_int_value (builder, json_object_get_int_member_with_default (json_node_get_object (sensor), "interval", 300));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_OK, root);
}

/* Reads one batch of an ingest request into @batch; the checks that need
 * no store happen here. Returns FALSE, having answered, when the request
 * itself is malformed. */
static gboolean
read_batch (FwRequest     *request,
            JsonNode      *node,
            guint          index,
            FwIngestBatch *batch,
            guint         *total)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) times = NULL;
  g_autofree char *field = NULL;
  JsonObject *object;
  JsonArray *values, *times_array = NULL;
  gint64 start = 0, interval = 0;

#define FAIL(name, message) \
  G_STMT_START { \
    field = g_strdup_printf ("batches[%u].%s", index, name); \
    fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", message, field); \
    return FALSE; \
  } G_STMT_END

  if (!JSON_NODE_HOLDS_OBJECT (node))
    FAIL ("", "a batch must be a JSON object");
  object = json_node_get_object (node);

  node = json_object_get_member (object, "sensor");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    FAIL ("sensor", "sensor must be a sensor id");
  g_free (batch->sensor_uuid);
  batch->sensor_uuid = g_strdup (json_node_get_string (node));

  node = json_object_get_member (object, "values");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    FAIL ("values", "values must be an array");
  values = json_node_get_array (node);

  node = json_object_get_member (object, "times");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        FAIL ("times", "times must be an array of Unix times");
      times_array = json_node_get_array (node);
      if (json_array_get_length (times_array) != json_array_get_length (values))
        FAIL ("times", "times and values must be as long as each other");
    }
  else
    {
      node = json_object_get_member (object, "start");
      if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
        FAIL ("start", "start must be a Unix time in whole seconds");
      start = json_node_get_int (node);

      node = json_object_get_member (object, "interval");
      if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 1 || json_node_get_int (node) > 7 * 24 * 3600)
        FAIL ("interval", "interval must be whole seconds between 1 and a week");
      interval = json_node_get_int (node);
    }

  *total += json_array_get_length (values);
  if (*total > FW_SERVER_MAX_READINGS)
    {
      g_autofree char *message = g_strdup_printf ("A request may carry at most %u readings",
                                                  FW_SERVER_MAX_READINGS);

      fw_request_fail (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_many_readings", message, "batches");
      return FALSE;
    }

  if (!g_uuid_string_is_valid (batch->sensor_uuid))
    {
      batch->error = g_strdup ("unknown_sensor");
      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          if (!JSON_NODE_HOLDS_NULL (json_array_get_element (values, i)))
            batch->rejected++;
        }
      return TRUE;
    }

  /* Sized once: the hash set points into it, so it must never move. */
  times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), json_array_get_length (values));

  for (guint i = 0; i < json_array_get_length (values); i++)
    {
      JsonNode *value = json_array_get_element (values, i);
      FwReading reading;
      GType type;

      if (times_array != NULL)
        {
          JsonNode *time = json_array_get_element (times_array, i);

          if (json_node_get_value_type (time) != G_TYPE_INT64)
            FAIL ("times", "times must be Unix times in whole seconds");
          reading.time = json_node_get_int (time);
        }
      else
        reading.time = start + (gint64) i * interval;

      /* null is a reading the sensor did not take: nothing to store. */
      if (JSON_NODE_HOLDS_NULL (value))
        continue;

      type = json_node_get_value_type (value);
      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          fw_ingest_batch_reject (batch, i, reading.time, "not_a_number");
          continue;
        }
      reading.value = json_node_get_double (value);

      if (reading.time > request->now + FW_WIRE_FUTURE_TOLERANCE)
        {
          fw_ingest_batch_reject (batch, i, reading.time, "future_time");
          continue;
        }

      /* Before 2000: a gateway whose clock never got the time. */
      if (reading.time < 946684800)
        {
          fw_ingest_batch_reject (batch, i, reading.time, "time_out_of_range");
          continue;
        }

      if (g_hash_table_contains (seen, &reading.time))
        {
          fw_ingest_batch_reject (batch, i, reading.time, "duplicate_time");
          continue;
        }
      g_array_append_val (times, reading.time);
      g_hash_table_add (seen, &g_array_index (times, gint64, times->len - 1));
      g_array_append_val (batch->readings, reading);
      g_array_append_val (batch->indexes, i);
    }

#undef FAIL

  return TRUE;
}

static int
compare_rejections (gconstpointer a,
                    gconstpointer b)
{
  const FwRejection *x = a, *y = b;

  return (x->index > y->index) - (x->index < y->index);
}

/* POST /api/v1/ingest */
static void
handle_ingest (FwRequest *request)
{
  g_autoptr(JsonNode) body = fw_request_parse_body (request);
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_ingest_batch_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *node;
  JsonArray *array;
  guint total = 0;
  guint64 accepted = 0, rejected = 0;

  if (body == NULL)
    return;

  node = json_object_get_member (json_node_get_object (body), "batches");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "batches must be an array", "batches");
      return;
    }
  array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FwIngestBatch *batch = fw_ingest_batch_new (NULL);

      g_ptr_array_add (batches, batch);
      if (!read_batch (request, json_array_get_element (array, i), i, batch, &total))
        return;
    }

  if (!fw_store_ingest (request->store, request->device, batches, request->now, &error))
    {
      fw_request_fail_store (request, error);
      return;
    }

  /* After the readings are safe: an alert that cannot be written is
   * logged by the engine and never fails the ingest. */
  fw_alert_engine_ingest (request->alerts, batches, request->now);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "batches");
  json_builder_begin_array (builder);
  for (guint i = 0; i < batches->len; i++)
    {
      FwIngestBatch *batch = g_ptr_array_index (batches, i);

      accepted += batch->accepted;
      rejected += batch->rejected;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "sensor");
      json_builder_add_string_value (builder, batch->sensor_uuid);
      json_builder_set_member_name (builder, "accepted");
      json_builder_add_int_value (builder, batch->accepted);
      json_builder_set_member_name (builder, "rejected");
      json_builder_add_int_value (builder, batch->rejected);
      if (batch->error != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, batch->error);
          fw_metrics_add (request->metrics, FW_COUNTER_READINGS_REJECTED, batch->error, batch->rejected);
        }
      /* Rejections in the order of the request's values. */
      g_array_sort (batch->rejections, compare_rejections);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      for (guint r = 0; batch->error == NULL && r < batch->rejections->len; r++)
        {
          FwRejection *rejection = &g_array_index (batch->rejections, FwRejection, r);

          fw_metrics_add (request->metrics, FW_COUNTER_READINGS_REJECTED, rejection->reason, 1);
          if (r >= MAX_REJECTIONS_REPORTED)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "index");
          json_builder_add_int_value (builder, rejection->index);
          json_builder_set_member_name (builder, "time");
          json_builder_add_int_value (builder, rejection->time);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, rejection->reason);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "accepted");
  json_builder_add_int_value (builder, accepted);
  json_builder_set_member_name (builder, "rejected");
  json_builder_add_int_value (builder, rejected);
  json_builder_end_object (builder);

  fw_metrics_add (request->metrics, FW_COUNTER_READINGS_INGESTED, NULL, accepted);

  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_OK, root);
}

static gboolean
parse_time_parameter (const char *text,
                      FwTime     *time)
{
  gint64 seconds;

  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT64 / 2, &seconds, NULL))
    {
      *time = seconds;
      return TRUE;
    }

  return fw_wire_parse_time (text, time);
}

/* GET /api/v1/sensors/{id}/readings?from=&to=&resolution=&limit= */
static void
handle_readings (FwRequest *request)
{
  g_autoptr(JsonNode) sensor = load_visible (request, FW_ENTITY_SENSOR, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) buckets = NULL;
  gboolean truncated;
  const char *text;
  FwTime from, to = request->now + FW_WIRE_FUTURE_TOLERANCE;
  FwResolution resolution = FW_RESOLUTION_RAW;
  gint64 limit = FW_SERVER_MAX_READINGS;

  if (sensor == NULL)
    return;

  if ((text = fw_request_get_query (request, "to")) != NULL && !parse_time_parameter (text, &to))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "to must be a Unix or RFC 3339 time", "to");
      return;
    }
  from = to - 86400;
  if ((text = fw_request_get_query (request, "from")) != NULL && !parse_time_parameter (text, &from))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "from must be a Unix or RFC 3339 time", "from");
      return;
    }
  if (from >= to)
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "from must be before to", "from");
      return;
    }

  text = fw_request_get_query (request, "resolution");
  if (text == NULL || g_str_equal (text, "raw"))
    resolution = FW_RESOLUTION_RAW;
  else if (g_str_equal (text, "hour"))
    resolution = FW_RESOLUTION_HOUR;
  else if (g_str_equal (text, "day"))
    resolution = FW_RESOLUTION_DAY;
  else
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "resolution must be raw, hour or day", "resolution");
      return;
    }

  if ((text = fw_request_get_query (request, "limit")) != NULL &&
      !g_ascii_string_to_signed (text, 10, 1, FW_SERVER_MAX_READINGS, &limit, NULL))
    {
      g_autofree char *message = g_strdup_printf ("limit must be between 1 and %u", FW_SERVER_MAX_READINGS);

      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", message, "limit");
      return;
    }

  /* One more than asked for tells whether the answer was cut short. */
  buckets = fw_store_query_readings (request->store, request->id, from, to, resolution, limit + 1, &error);
  if (buckets == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }
  truncated = buckets->len > (guint) limit;
  if (truncated)
    g_array_set_size (buckets, limit);

  /* Columns, not an object per reading: a day of minute readings is
   * 1,440 numbers in two arrays. Written by hand for the numbers' sake;
   * every string in it is a uuid or a fixed word. */
  {
    GString *out = g_string_sized_new (32 + buckets->len * 24);

    g_string_append_printf (out, "{\"sensor_id\":\"%s\",\"resolution\":\"%s\",\"truncated\":%s",
                            request->id,
                            resolution == FW_RESOLUTION_RAW ? "raw" : resolution == FW_RESOLUTION_HOUR ? "hour" : "day",
                            truncated ? "true" : "false");

#define COLUMN(name, expression) \
    G_STMT_START { \
      g_string_append (out, ",\"" name "\":["); \
      for (guint i = 0; i < buckets->len; i++) \
        { \
          FwBucket *b = &g_array_index (buckets, FwBucket, i); \
          if (i > 0) \
            g_string_append_c (out, ','); \
          expression; \
        } \
      g_string_append_c (out, ']'); \
    } G_STMT_END

    COLUMN ("times", g_string_append_printf (out, "%" G_GINT64_FORMAT, b->time));
    if (resolution == FW_RESOLUTION_RAW)
      COLUMN ("values", append_double (out, b->min));
    else
      {
        COLUMN ("min", append_double (out, b->min));
        COLUMN ("max", append_double (out, b->max));
        COLUMN ("mean", append_double (out, b->sum / b->count));
        COLUMN ("count", g_string_append_printf (out, "%" G_GINT64_FORMAT, b->count));
      }

#undef COLUMN

    g_string_append_c (out, '}');
    fw_request_respond_text (request, SOUP_STATUS_OK, "application/json", g_string_free (out, FALSE));
  }
}

/* GET /api/v1/farms/{id}/readings?from=&to=&after=&limit=: every sensor
 * of a farm in one paged answer, for clients that fill a cache. */
static void
handle_farm_readings (FwRequest *request)
{
  g_autoptr(JsonNode) farm = load_visible (request, FW_ENTITY_FARM, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  const char *text;
  FwTime from = 0, to = request->now + FW_WIRE_FUTURE_TOLERANCE, after_time = 0;
  gint64 after_sensor = 0, limit = FW_SERVER_MAX_READINGS;
  guint total = 0;
  GString *out;

  if (farm == NULL)
    return;

  if (((text = fw_request_get_query (request, "from")) != NULL && !parse_time_parameter (text, &from)) ||
      ((text = fw_request_get_query (request, "to")) != NULL && !parse_time_parameter (text, &to)))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "from and to must be Unix or RFC 3339 times", "from");
      return;
    }

  if ((text = fw_request_get_query (request, "after")) != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (text, ".", 2);

      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_signed (parts[0], 10, 0, G_MAXINT64, &after_sensor, NULL) ||
          !g_ascii_string_to_signed (parts[1], 10, 0, G_MAXINT64, &after_time, NULL))
        {
          fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                           "after must be the next value of a previous page", "after");
          return;
        }
    }

  if ((text = fw_request_get_query (request, "limit")) != NULL &&
      !g_ascii_string_to_signed (text, 10, 1, FW_SERVER_MAX_READINGS, &limit, NULL))
    {
      g_autofree char *message = g_strdup_printf ("limit must be between 1 and %u", FW_SERVER_MAX_READINGS);

      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", message, "limit");
      return;
    }

  /* One more than asked for tells whether there is a next page. */
  runs = fw_store_farm_readings (request->store, request->id, from, to, after_sensor, after_time,
                                 limit + 1, &error);
  if (runs == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  for (guint i = 0; i < runs->len; i++)
    total += ((FwSensorRun *) g_ptr_array_index (runs, i))->readings->len;

  if (total > (guint) limit)
    {
      FwSensorRun *last = g_ptr_array_index (runs, runs->len - 1);

      g_array_set_size (last->readings, last->readings->len - 1);
      if (last->readings->len == 0)
        g_ptr_array_set_size (runs, runs->len - 1);
    }

  out = g_string_sized_new (64 + total * 24);
  g_string_append_printf (out, "{\"farm_id\":\"%s\",\"sensors\":[", request->id);
  for (guint i = 0; i < runs->len; i++)
    {
      FwSensorRun *run = g_ptr_array_index (runs, i);

      g_string_append_printf (out, "%s{\"sensor_id\":\"%s\",\"times\":[", i > 0 ? "," : "", run->sensor_uuid);
      for (guint r = 0; r < run->readings->len; r++)
        g_string_append_printf (out, "%s%" G_GINT64_FORMAT, r > 0 ? "," : "",
                                g_array_index (run->readings, FwReading, r).time);
      g_string_append (out, "],\"values\":[");
      for (guint r = 0; r < run->readings->len; r++)
        {
          if (r > 0)
            g_string_append_c (out, ',');
          append_double (out, g_array_index (run->readings, FwReading, r).value);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "],\"next\":");

  if (total > (guint) limit && runs->len > 0)
    {
      FwSensorRun *last = g_ptr_array_index (runs, runs->len - 1);

      g_string_append_printf (out, "\"%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT "\"}", last->sensor_id,
                              g_array_index (last->readings, FwReading, last->readings->len - 1).time);
    }
  else
    g_string_append (out, "null}");

  fw_request_respond_text (request, SOUP_STATUS_OK, "application/json", g_string_free (out, FALSE));
}

static gint
compare_alerts_newest_first (gconstpointer a,
                             gconstpointer b)
{
  JsonObject *x = json_node_get_object (*(JsonNode **) a);
  JsonObject *y = json_node_get_object (*(JsonNode **) b);

  /* RFC 3339 times in UTC sort as text. */
  return -g_strcmp0 (json_object_get_string_member_with_default (x, "started_at", ""),
                     json_object_get_string_member_with_default (y, "started_at", ""));
}

/* GET /api/v1/farms/{id}/alerts?state=firing|acknowledged|resolved|open|all */
static void
handle_farm_alerts (FwRequest *request)
{
  g_autoptr(JsonNode) farm = load_visible (request, FW_ENTITY_FARM, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  const char *wanted = fw_request_get_query (request, "state");
  gboolean open = FALSE, all = FALSE;
  FwAlertState state = FW_ALERT_STATE_FIRING;

  if (farm == NULL)
    return;

  if (wanted == NULL || g_str_equal (wanted, "open"))
    open = TRUE;
  else if (g_str_equal (wanted, "all"))
    all = TRUE;
  else if (!fw_alert_state_from_string (wanted, &state))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "state must be firing, acknowledged, resolved, open or all", "state");
      return;
    }

  alerts = fw_store_list_records (request->store, FW_ENTITY_ALERT, request->id, NULL, &error);
  if (alerts == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      JsonNode *alert = g_ptr_array_index (alerts, i);
      FwAlertState alert_state = FW_ALERT_STATE_RESOLVED;

      fw_alert_state_from_string (json_object_get_string_member_with_default (json_node_get_object (alert),
                                                                             "state", NULL),
                                  &alert_state);
      if (all || (open && alert_state != FW_ALERT_STATE_RESOLVED) || (!open && alert_state == state))
        g_ptr_array_add (chosen, alert);
    }
  g_ptr_array_sort (chosen, compare_alerts_newest_first);

  respond_list (request, chosen);
}

/* GET /api/v1/farms/{id}/latest */
static void
handle_latest (FwRequest *request)
{
  g_autoptr(JsonNode) farm = load_visible (request, FW_ENTITY_FARM, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) latest = NULL;
  GString *out;

  if (farm == NULL)
    return;

  latest = fw_store_latest_readings (request->store, request->id, &error);
  if (latest == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  out = g_string_sized_new (64 + latest->len * 160);
  g_string_append_printf (out, "{\"farm_id\":\"%s\",\"readings\":[", request->id);
  for (guint i = 0; i < latest->len; i++)
    {
      FwLatest *entry = g_ptr_array_index (latest, i);

      g_string_append_printf (out, "%s{\"sensor_id\":\"%s\",\"unit_id\":\"%s\",\"parameter\":\"%s\","
                                   "\"time\":%" G_GINT64_FORMAT ",\"value\":",
                              i > 0 ? "," : "", entry->sensor_uuid, entry->unit_uuid,
                              fw_parameter_to_id (entry->parameter), entry->time);
      append_double (out, entry->value);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");

  fw_request_respond_text (request, SOUP_STATUS_OK, "application/json", g_string_free (out, FALSE));
}

static char *
encode_cursor (FwStore *store,
               gint64   revision)
{
  g_autofree char *plain = g_strdup_printf (CURSOR_PREFIX "%s.%" G_GINT64_FORMAT,
                                            fw_store_get_epoch (store), revision);
  char *encoded = g_base64_encode ((const guchar *) plain, strlen (plain));

  /* URL-safe, so it can travel in a query without escaping. */
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  return encoded;
}

/* Returns FALSE for a cursor this store did not write: another store's, a
 * store restored from backup, or garbage. All need a fresh download. */
static gboolean
decode_cursor (FwStore    *store,
               const char *cursor,
               gint64     *revision)
{
  g_autofree char *copy = g_strdup (cursor);
  g_autofree guchar *plain = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  gsize length;

  g_strdelimit (copy, "-", '+');
  g_strdelimit (copy, "_", '/');
  plain = g_base64_decode (copy, &length);
  if (plain == NULL || length == 0 || length > 200)
    return FALSE;

  text = g_strndup ((const char *) plain, length);
  if (!g_str_has_prefix (text, CURSOR_PREFIX))
    return FALSE;

  parts = g_strsplit (text + strlen (CURSOR_PREFIX), ".", 2);
  if (g_strv_length (parts) != 2 || !g_str_equal (parts[0], fw_store_get_epoch (store)))
    return FALSE;

  return g_ascii_string_to_signed (parts[1], 10, 0, G_MAXINT64, revision, NULL);
}

/* GET /api/v1/sync/pull?cursor=&limit= */
static void
handle_pull (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *cursor = NULL;
  const char *text;
  gint64 after = 0, limit = 500, last;
  gboolean more;

  if ((text = fw_request_get_query (request, "cursor")) != NULL && *text != '\0' &&
      !decode_cursor (request->store, text, &after))
    {
      fw_request_fail (request, SOUP_STATUS_GONE, "resync_required",
                       "This cursor cannot be served: download everything again", "cursor");
      return;
    }

  if ((text = fw_request_get_query (request, "limit")) != NULL &&
      !g_ascii_string_to_signed (text, 10, 1, FW_SERVER_MAX_PULL_PAGE, &limit, NULL))
    {
      g_autofree char *message = g_strdup_printf ("limit must be between 1 and %u", FW_SERVER_MAX_PULL_PAGE);

      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", message, "limit");
      return;
    }

  changes = fw_store_pull (request->store, request->user, after, limit, &last, &more, &error);
  if (changes == NULL && g_error_matches (error, FW_STORE_ERROR, FW_STORE_ERROR_INVALID))
    {
      /* Ahead of the store: it was restored from an older copy, and the
       * client holds changes the store no longer has. */
      fw_request_fail (request, SOUP_STATUS_GONE, "resync_required",
                       "This cursor is ahead of the server's data: download everything again", "cursor");
      return;
    }
  if (changes == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }

  cursor = encode_cursor (request->store, last);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      FwChange *change = g_ptr_array_index (changes, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "entity");
      json_builder_add_string_value (builder, fw_entity_to_string (change->entity));
      json_builder_set_member_name (builder, "record");
      json_builder_add_value (builder, json_node_ref (change->record));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_string_value (builder, cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, more);
  json_builder_end_object (builder);

  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_OK, root);
}

/* Reads one mutation of a push. A mutation without a usable id fails the
 * whole request (its answer could not be kept); anything else wrong with
 * it becomes its own rejection. */
static FwMutation *
read_mutation (FwRequest *request,
               JsonNode  *node,
               guint      index)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *where = NULL;
  FwMutation *mutation;
  JsonObject *object;
  JsonNode *member;
  const char *op;

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      (member = json_object_get_member (json_node_get_object (node), "mutation_id")) == NULL ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      !g_uuid_string_is_valid (json_node_get_string (member)))
    {
      where = g_strdup_printf ("mutations[%u].mutation_id", index);
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                       "Every mutation needs a mutation_id that is a UUID", where);
      return NULL;
    }

  object = json_node_get_object (node);
  mutation = g_new0 (FwMutation, 1);
  mutation->mutation_id = g_strdup (json_node_get_string (member));

#define INVALID(name, message) \
  G_STMT_START { \
    mutation->invalid_code = g_strdup ("invalid_field"); \
    mutation->invalid_message = g_strdup (message); \
    mutation->invalid_field = g_strdup (name); \
    return mutation; \
  } G_STMT_END

  if (!fw_entity_from_string (input_string (object, "entity", NULL),
                              &mutation->entity))
    INVALID ("entity", "entity must be farm, site, unit, sensor, logbook_entry, alert_rule or alert");

  member = json_object_get_member (object, "base_revision");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (json_node_get_value_type (member) != G_TYPE_INT64 || json_node_get_int (member) < 0)
        INVALID ("base_revision", "base_revision must be a whole number");
      mutation->base_revision = json_node_get_int (member);
    }

  op = input_string (object, "op", "");
  if (g_str_equal (op, "delete"))
    {
      member = json_object_get_member (object, "id");
      if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING ||
          !g_uuid_string_is_valid (json_node_get_string (member)))
        INVALID ("id", "a delete names the record's id");
      mutation->delete = TRUE;
      mutation->record_uuid = g_strdup (json_node_get_string (member));
      return mutation;
    }

  if (!g_str_equal (op, "upsert"))
    INVALID ("op", "op must be upsert or delete");

  mutation->record = fw_wire_decode_record (mutation->entity, json_object_get_member (object, "record"),
                                            request->now, &field, &error);
  if (mutation->record == NULL)
    {
      g_autofree char *record_field = g_strconcat ("record.", field ?: "", NULL);

      INVALID (record_field, error->message);
    }

  mutation->record_uuid = g_strdup (fw_record_get_uuid (mutation->record));

#undef INVALID

  return mutation;
}

/* POST /api/v1/sync/push */
static void
handle_push (FwRequest *request)
{
  g_autoptr(JsonNode) body = fw_request_parse_body (request);
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fw_mutation_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *node;
  JsonArray *array;

  if (body == NULL)
    return;

  node = json_object_get_member (json_node_get_object (body), "mutations");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fw_request_fail (request, SOUP_STATUS_BAD_REQUEST, "invalid_field", "mutations must be an array", "mutations");
      return;
    }
  array = json_node_get_array (node);

  if (json_array_get_length (array) > FW_SERVER_MAX_MUTATIONS)
    {
      g_autofree char *message = g_strdup_printf ("A push may carry at most %u mutations", FW_SERVER_MAX_MUTATIONS);

      fw_request_fail (request, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_many_mutations", message, "mutations");
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FwMutation *mutation = read_mutation (request, json_array_get_element (array, i), i);

      if (mutation == NULL)
        return;
      g_ptr_array_add (mutations, mutation);
    }

  results = fw_store_apply_mutations (request->store, request->user, mutations, request->now, &error);
  if (results == NULL)
    {
      fw_request_fail_store (request, error);
      return;
    }
  notice_rule_changes (request, mutations, results);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    {
      FwMutationResult *result = g_ptr_array_index (results, i);

      fw_metrics_add (request->metrics, FW_COUNTER_SYNC_MUTATIONS, fw_mutation_status_to_string (result->status), 1);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mutation_id");
      json_builder_add_string_value (builder, result->mutation_id);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, fw_mutation_status_to_string (result->status));
      json_builder_set_member_name (builder, "revision");
      json_builder_add_int_value (builder, result->revision);
      if (result->code != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, result->code);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, result->message ?: "");
          if (result->field != NULL)
            {
              json_builder_set_member_name (builder, "field");
              json_builder_add_string_value (builder, result->field);
            }
          json_builder_end_object (builder);
        }
      if (result->server_record != NULL)
        {
          json_builder_set_member_name (builder, "server_record");
          json_builder_add_value (builder, json_node_ref (result->server_record));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_OK, root);
}

/* GET /api/v1/status */
static void
handle_status (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *started = fw_wire_format_time (fw_server_get_start_time (request->server));
  FwStoreCounts counts = { 0, };
  gboolean store_ok = fw_store_get_counts (request->store, &counts, &error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "commit");
  json_builder_add_string_value (builder, FW_BUILD_REVISION);
  json_builder_set_member_name (builder, "environment");
  json_builder_add_string_value (builder, fw_server_get_environment (request->server));
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_string_value (builder, started);
  json_builder_set_member_name (builder, "uptime_seconds");
  json_builder_add_int_value (builder, (gint64) fw_server_get_uptime (request->server));
  /* What /readyz would answer, so one call tells the admin view. */
  json_builder_set_member_name (builder, "ready");
  json_builder_add_boolean_value (builder, store_ok);
  json_builder_set_member_name (builder, "store");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "sqlite");
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, store_ok);
  if (!store_ok)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "farms");
  json_builder_add_int_value (builder, counts.farms);
  json_builder_set_member_name (builder, "units");
  json_builder_add_int_value (builder, counts.units);
  json_builder_set_member_name (builder, "sensors");
  json_builder_add_int_value (builder, counts.sensors);
  json_builder_set_member_name (builder, "users");
  json_builder_add_int_value (builder, counts.users);
  json_builder_set_member_name (builder, "readings");
  json_builder_add_int_value (builder, counts.readings);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, counts.revision);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = node_from_builder (builder);
  fw_request_respond (request, SOUP_STATUS_OK, root);
}

/* GET /healthz: the process answers. */
static void
handle_healthz (FwRequest *request)
{
  fw_request_respond_text (request, SOUP_STATUS_OK, "application/json", g_strdup ("{\"status\":\"ok\"}"));
}

/* GET /readyz: and its store does too. */
static void
handle_readyz (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  gboolean up = fw_store_ping (request->store, &error);

  fw_metrics_set_store_up (request->metrics, up);

  if (up)
    fw_request_respond_text (request, SOUP_STATUS_OK, "application/json", g_strdup ("{\"status\":\"ready\"}"));
  else
    fw_request_fail (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "store_unavailable",
                     "The store does not answer", NULL);
}

/* GET /metrics */
static void
handle_metrics (FwRequest *request)
{
  g_autoptr(GError) error = NULL;
  FwStoreCounts counts = { 0, };

  /* Counted in the store, so that every instance reports the same. */
  if (fw_store_get_counts (request->store, &counts, &error))
    fw_metrics_set_alerts_firing (request->metrics, counts.alerts_firing[FW_SEVERITY_WARNING],
                                  counts.alerts_firing[FW_SEVERITY_CRITICAL]);
  else
    fw_server_log ("warn", error->message, "event.action", "metrics-counts-failed", NULL);

  fw_request_respond_text (request, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
                           fw_metrics_render (request->metrics));
}

#define ENTITY_ROUTES(plural, entity) \
  { "GET", "/api/v1/" plural "/{id}", FW_AUTH_USER, FW_ROLE_WORKER, handle_get_record, entity, 0 }, \
  { "PUT", "/api/v1/" plural "/{id}", FW_AUTH_USER, FW_ROLE_WORKER, handle_update, entity, 0 }, \
  { "DELETE", "/api/v1/" plural "/{id}", FW_AUTH_USER, FW_ROLE_WORKER, handle_archive, entity, 0 }

const FwRoute fw_routes[] = {
  { "POST", "/api/v1/session", FW_AUTH_NONE, 0, handle_login, 0, 0 },
  { "GET", "/api/v1/session", FW_AUTH_USER, FW_ROLE_WORKER, handle_whoami, 0, 0 },
  { "DELETE", "/api/v1/session", FW_AUTH_USER, FW_ROLE_WORKER, handle_logout, 0, 0 },

  { "GET", "/api/v1/farms", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_farms, FW_ENTITY_FARM, 0 },
  { "POST", "/api/v1/farms", FW_AUTH_USER, FW_ROLE_ADMIN, handle_create, FW_ENTITY_FARM, 0 },
  ENTITY_ROUTES ("farms", FW_ENTITY_FARM),
  { "GET", "/api/v1/farms/{id}/sites", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_children, FW_ENTITY_SITE, FW_ENTITY_FARM },
  { "POST", "/api/v1/farms/{id}/sites", FW_AUTH_USER, FW_ROLE_MANAGER, handle_create, FW_ENTITY_SITE, FW_ENTITY_FARM },
  { "GET", "/api/v1/farms/{id}/units", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_children, FW_ENTITY_UNIT, FW_ENTITY_FARM },
  { "GET", "/api/v1/farms/{id}/sensors", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_children, FW_ENTITY_SENSOR, FW_ENTITY_FARM },
  { "GET", "/api/v1/farms/{id}/latest", FW_AUTH_USER, FW_ROLE_WORKER, handle_latest, 0, 0 },
  { "GET", "/api/v1/farms/{id}/alerts", FW_AUTH_USER, FW_ROLE_WORKER, handle_farm_alerts, 0, 0 },
  { "GET", "/api/v1/farms/{id}/readings", FW_AUTH_USER, FW_ROLE_WORKER, handle_farm_readings, 0, 0 },
  { "POST", "/api/v1/farms/{id}/devices", FW_AUTH_USER, FW_ROLE_MANAGER, handle_create_device, 0, 0 },

  ENTITY_ROUTES ("sites", FW_ENTITY_SITE),
  { "GET", "/api/v1/sites/{id}/units", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_children, FW_ENTITY_UNIT, FW_ENTITY_SITE },
  { "POST", "/api/v1/sites/{id}/units", FW_AUTH_USER, FW_ROLE_MANAGER, handle_create, FW_ENTITY_UNIT, FW_ENTITY_SITE },

  ENTITY_ROUTES ("units", FW_ENTITY_UNIT),
  { "GET", "/api/v1/units/{id}/sensors", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_children, FW_ENTITY_SENSOR, FW_ENTITY_UNIT },
  { "POST", "/api/v1/units/{id}/sensors", FW_AUTH_USER, FW_ROLE_MANAGER, handle_create, FW_ENTITY_SENSOR, FW_ENTITY_UNIT },
  { "GET", "/api/v1/units/{id}/logbook", FW_AUTH_USER, FW_ROLE_WORKER, handle_list_children, FW_ENTITY_LOGBOOK_ENTRY, FW_ENTITY_UNIT },
  { "POST", "/api/v1/units/{id}/logbook", FW_AUTH_USER, FW_ROLE_WORKER, handle_create, FW_ENTITY_LOGBOOK_ENTRY, FW_ENTITY_UNIT },

  ENTITY_ROUTES ("sensors", FW_ENTITY_SENSOR),
  { "GET", "/api/v1/sensors/{id}/readings", FW_AUTH_USER, FW_ROLE_WORKER, handle_readings, 0, 0 },

  ENTITY_ROUTES ("logbook", FW_ENTITY_LOGBOOK_ENTRY),

  { "POST", "/api/v1/sync/push", FW_AUTH_USER, FW_ROLE_WORKER, handle_push, 0, 0 },
  { "GET", "/api/v1/sync/pull", FW_AUTH_USER, FW_ROLE_WORKER, handle_pull, 0, 0 },

  { "GET", "/api/v1/devices/self", FW_AUTH_DEVICE, 0, handle_device_self, 0, 0 },
  { "POST", "/api/v1/ingest", FW_AUTH_DEVICE, 0, handle_ingest, 0, 0 },

  { "GET", "/api/v1/users", FW_AUTH_USER, FW_ROLE_ADMIN, handle_list_users, 0, 0 },
  { "POST", "/api/v1/users", FW_AUTH_USER, FW_ROLE_ADMIN, handle_create_user, 0, 0 },
  { "GET", "/api/v1/status", FW_AUTH_USER, FW_ROLE_ADMIN, handle_status, 0, 0 },

  { "GET", "/healthz", FW_AUTH_NONE, 0, handle_healthz, 0, 0 },
  { "GET", "/readyz", FW_AUTH_NONE, 0, handle_readyz, 0, 0 },
  { "GET", "/metrics", FW_AUTH_NONE, 0, handle_metrics, 0, 0 },
};

const guint fw_n_routes = G_N_ELEMENTS (fw_routes);
