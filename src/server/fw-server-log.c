/* fw-server-log.c — one JSON object per line, in Elastic Common Schema names
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lines go to standard output, where systemd's journal or Filebeat picks
 * them up. Field names are ECS's dotted names at the top level, which
 * Filebeat's ndjson parser and Elasticsearch both read as nested fields.
 */

#include "config.h"

#include <stdio.h>

#include "fw-server-log.h"

static GMutex log_lock;
static char *log_environment;
static char *log_version;

void
fw_server_log_init (const char *environment,
                    const char *version)
{
  g_mutex_lock (&log_lock);
  g_free (log_environment);
  g_free (log_version);
  log_environment = g_strdup (environment);
  log_version = g_strdup (version);
  g_mutex_unlock (&log_lock);
}

static JsonBuilder *
begin_line (const char *level,
            const char *message)
{
  JsonBuilder *builder = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *timestamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");

  /* Milliseconds are enough, and what Elasticsearch keeps by default. */
  if (timestamp != NULL && strlen (timestamp) > 24)
    {
      timestamp[23] = 'Z';
      timestamp[24] = '\0';
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "@timestamp");
  json_builder_add_string_value (builder, timestamp);
  json_builder_set_member_name (builder, "log.level");
  json_builder_add_string_value (builder, level);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "service.name");
  json_builder_add_string_value (builder, "fishwatch-server");
  json_builder_set_member_name (builder, "service.environment");
  json_builder_add_string_value (builder, log_environment ?: "development");
  json_builder_set_member_name (builder, "service.version");
  json_builder_add_string_value (builder, log_version ?: "");
  json_builder_set_member_name (builder, "ecs.version");
  json_builder_add_string_value (builder, "8.11");

  return builder;
}

static void
end_line (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);

  g_mutex_lock (&log_lock);
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  g_mutex_unlock (&log_lock);
}

/**
 * fw_server_log:
 * @level: "debug", "info", "warn" or "error"
 * @first_field: the first of string name/value pairs in ECS names, such as
 *   "event.action", "listening", ending with %NULL
 */
void
fw_server_log (const char *level,
               const char *message,
               const char *first_field,
               ...)
{
  g_autoptr(JsonBuilder) builder = begin_line (level, message);
  va_list args;

  va_start (args, first_field);
  for (const char *name = first_field; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, value);
    }
  va_end (args);

  end_line (builder);
}

void
fw_server_log_request (const char *method,
                       const char *path,
                       const char *route,
                       guint       status,
                       double      seconds,
                       const char *client,
                       const char *user,
                       const char *error_code)
{
  g_autofree char *message = g_strdup_printf ("%s %s %u", method, path, status);
  g_autoptr(JsonBuilder) builder = begin_line (status >= 500 ? "error" : status >= 400 ? "warn" : "info",
                                               message);

  json_builder_set_member_name (builder, "event.dataset");
  json_builder_add_string_value (builder, "fishwatch.access");
  json_builder_set_member_name (builder, "http.request.method");
  json_builder_add_string_value (builder, method);
  json_builder_set_member_name (builder, "url.path");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "http.route");
  json_builder_add_string_value (builder, route);
  json_builder_set_member_name (builder, "http.response.status_code");
  json_builder_add_int_value (builder, status);
  /* ECS wants nanoseconds here. */
  json_builder_set_member_name (builder, "event.duration");
  json_builder_add_int_value (builder, (gint64) (seconds * 1e9));
  json_builder_set_member_name (builder, "client.ip");
  json_builder_add_string_value (builder, client);
  if (user != NULL)
    {
      json_builder_set_member_name (builder, "user.name");
      json_builder_add_string_value (builder, user);
    }
  if (error_code != NULL)
    {
      json_builder_set_member_name (builder, "error.code");
      json_builder_add_string_value (builder, error_code);
    }

  end_line (builder);
}
