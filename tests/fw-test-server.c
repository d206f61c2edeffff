/* fw-test-server.c — a real fishwatch-server on loopback, for tests
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a new store with the demo farm, starts the server on 127.0.0.1 with
 * a port the kernel picks, and reads the port from its first log line. The
 * server is stopped with SIGTERM, the way systemd stops it.
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "fw-test-server.h"
#include "fw-test-util.h"

/* A server outlives no test: if the test dies, the kernel stops it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static const char *
server_program (void)
{
  const char *program = g_getenv ("FISHWATCH_SERVER");

  g_assert_nonnull (program);
  return program;
}

/* Starts the server on @address and reads its port from its first line. */
static void
launch (FwTestServer *server,
        const char   *address)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  int out_fd = -1;

  server->port = 0;
  command = g_strdup_printf ("'%s' --db '%s' --listen %s %s",
                             server_program (), server->db, address, server->serve_args ?: "");
  g_shell_parse_argv (command, NULL, &argv, &error);
  g_assert_no_error (error);

  g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
                            &server->pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  /* The first line the server logs says where it listens. */
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  while (server->port == 0)
    {
      g_autofree char *line = NULL;
      g_autoptr(JsonNode) node = NULL;
      GIOStatus io = g_io_channel_read_line (channel, &line, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (io, ==, G_IO_STATUS_NORMAL);

      node = json_from_string (line, NULL);
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node), "event.action", ""),
                     "listening") == 0)
        server->port = atoi (json_object_get_string_member (json_node_get_object (node), "server.port"));
    }

}

/* SIGTERM, as systemd stops it. Returns: the exit status */
static int
terminate (FwTestServer *server)
{
  int status = -1;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* A test may have stopped it already. */
  if (waitpid (server->pid, &status, WNOHANG) == 0)
    kill (server->pid, SIGTERM);
  else
    deadline = 0;

  while (deadline != 0 && waitpid (server->pid, &status, WNOHANG) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        {
          kill (server->pid, SIGKILL);
          waitpid (server->pid, &status, 0);
          break;
        }
      g_usleep (10000);
    }
  g_spawn_close_pid (server->pid);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* Stops the server but keeps its store, for fw_test_server_restart(). */
int
fw_test_server_halt (FwTestServer *server)
{
  return terminate (server);
}

/* Starts it again on the same store and port. */
void
fw_test_server_restart (FwTestServer *server)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", server->port);

  launch (server, address);
}

FwTestServer *
fw_test_server_start (const char *extra_args)
{
  return fw_test_server_start_full (NULL, extra_args);
}

/**
 * fw_test_server_start_full:
 * @demo_args: (nullable): more arguments for `fishwatch-server demo`
 * @serve_args: (nullable): more arguments for serving
 */
FwTestServer *
fw_test_server_start_full (const char *demo_args,
                           const char *serve_args)
{
  FwTestServer *server = g_new0 (FwTestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *demo_out = NULL;
  int status = 0;

  server->dir = fw_test_make_tmpdir ();
  server->db = g_build_filename (server->dir, "store.db", NULL);

  {
    g_autofree char *demo_command = g_strdup_printf ("'%s' --db '%s' demo %s",
                                                     server_program (), server->db, demo_args ?: "");
    g_auto(GStrv) demo_argv = NULL;

    g_shell_parse_argv (demo_command, NULL, &demo_argv, &error);
    g_assert_no_error (error);
    g_spawn_sync (NULL, demo_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                  &demo_out, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    server->demo = json_from_string (demo_out, &error);
    g_assert_no_error (error);
  }

  server->serve_args = g_strdup (serve_args);
  launch (server, "127.0.0.1:0");

  server->base_url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  server->session = soup_session_new_with_options ("timeout", 30, NULL);
  return server;
}

/* Returns: the server's exit status */
int
fw_test_server_stop (FwTestServer *server)
{
  int status = terminate (server);

  g_clear_object (&server->session);
  g_clear_pointer (&server->demo, json_node_unref);
  fw_test_remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->base_url);
  g_free (server->serve_args);
  g_free (server);

  return status;
}

const char *
fw_test_server_password (FwTestServer *server,
                         const char   *username)
{
  JsonArray *users = json_object_get_array_member (json_node_get_object (server->demo), "users");

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_str_equal (json_object_get_string_member (user, "username"), username))
        return json_object_get_string_member (user, "password");
    }

  g_assert_not_reached ();
}

const char *
fw_test_server_device_token (FwTestServer *server)
{
  JsonObject *device = json_object_get_object_member (json_node_get_object (server->demo), "device");

  return json_object_get_string_member (device, "token");
}

/**
 * fw_test_server_call:
 * @token: (nullable): sent as a bearer token
 * @body: (nullable): JSON text
 * @response: (out) (optional): the parsed body, or a null node when it is
 *   not JSON
 *
 * Returns: the HTTP status
 */
guint
fw_test_server_call (FwTestServer        *server,
                     const char          *method,
                     const char          *path,
                     const char          *token,
                     const char          *body,
                     JsonNode           **response,
                     SoupMessageHeaders **headers)
{
  g_autofree char *url = g_strconcat (server->base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (message);

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

  answer = soup_session_send_and_read (server->session, message, NULL, &error);
  g_assert_no_error (error);

  if (response != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (answer, &length);
      g_autofree char *text = g_strndup (data, length);

      *response = json_from_string (text, NULL);
      if (*response == NULL)
        *response = json_node_new (JSON_NODE_NULL);
    }

  if (headers != NULL)
    *headers = soup_message_headers_ref (soup_message_get_response_headers (message));

  return soup_message_get_status (message);
}

/* Returns: (transfer full): a session token of @username */
char *
fw_test_server_login (FwTestServer *server,
                      const char   *username)
{
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *body = NULL;
  guint status;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, fw_test_server_password (server, username));
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);

  status = fw_test_server_call (server, "POST", "/api/v1/session", NULL, body, &response, NULL);
  g_assert_cmpuint (status, ==, 201);

  return g_strdup (json_object_get_string_member (json_node_get_object (response), "token"));
}
