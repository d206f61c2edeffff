/* fw-test-server.c — a real fishwatch-server on loopback, for tests
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a new store with the demo farm, starts the server on 127.0.0.1 with
 * a port the kernel picks, and reads the port from its first log line. The
 * server is stopped with SIGTERM, the way systemd stops it.
 *
 * With FW_TEST_STORE=postgresql the store is a database on a PostgreSQL
 * server of the test's own: initdb into a temporary folder on first use,
 * served on a free loopback port with a password made up for the run, a
 * new database for every server started, and stopped when the test ends.
 * PostgreSQL refuses to run as root (CI runs as root), so there it runs
 * as `nobody`.
 */

#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#if HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

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

gboolean
fw_test_server_uses_postgres (void)
{
  return g_strcmp0 (g_getenv ("FW_TEST_STORE"), "postgresql") == 0;
}

#if HAVE_POSTGRESQL
/* The test's PostgreSQL server, shared by every store of the process. */
typedef struct
{
  char  *bindir;
  char  *dir;                 /* owned by the user PostgreSQL runs as */
  char  *data;
  char  *password;
  uid_t  uid;                 /* 0: run as ourselves */
  gid_t  gid;
  GPid   pid;
  guint  port;
  guint  n_databases;
} Postgres;

static Postgres *postgres;

/* Debian keeps the server programs out of PATH, by major version. */
static char *
find_postgres_bindir (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *initdb = NULL;
  g_autofree char *best = NULL;
  const char *name;
  int best_version = 0;

  if (g_getenv ("FW_PG_BINDIR") != NULL)
    return g_strdup (g_getenv ("FW_PG_BINDIR"));

  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *bindir = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      g_autofree char *program = g_build_filename (bindir, "initdb", NULL);
      int version = atoi (name);

      if (version > best_version && g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
        {
          best_version = version;
          g_free (best);
          best = g_steal_pointer (&bindir);
        }
    }
  if (best != NULL)
    return g_steal_pointer (&best);

  initdb = g_find_program_in_path ("initdb");
  return initdb != NULL ? g_path_get_dirname (initdb) : NULL;
}

/* In the child: drop root for PostgreSQL's sake, then die with the test.
 * The death signal goes after the change of user, which clears it. */
static void
become_postgres_user (gpointer user_data)
{
  Postgres *pg = user_data;

  if (pg->uid != 0)
    {
      if (setgroups (0, NULL) != 0 || setgid (pg->gid) != 0 || setuid (pg->uid) != 0)
        _exit (126);
    }
  /* SIGQUIT: an immediate shutdown, which needs no client to leave. */
  prctl (PR_SET_PDEATHSIG, SIGQUIT);
}

static guint
free_loopback_port (void)
{
  struct sockaddr_in address = { 0, };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  g_assert_cmpint (fd, >=, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  port = ntohs (address.sin_port);
  close (fd);
  return port;
}

static char *
postgres_conninfo (const char *database)
{
  return g_strdup_printf ("postgresql://fishwatch:%s@127.0.0.1:%u/%s",
                          postgres->password, postgres->port, database);
}

static void
postgres_exec (const char *sql)
{
  g_autofree char *conninfo = postgres_conninfo ("postgres");
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot reach the test's PostgreSQL: %s", PQerrorMessage (conn));
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
  PQfinish (conn);
}

/* Starts the server on the cluster made already, and waits until it
 * takes connections. */
void
fw_test_postgres_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_build_filename (postgres->bindir, "postgres", NULL);
  g_autofree char *port = g_strdup_printf ("%u", postgres->port);
  g_autofree char *conninfo = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  /* No fsync: a test's data need not survive the machine. */
  const char *argv[] = {
    program, "-D", postgres->data, "-k", postgres->dir, "-p", port,
    "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
    "-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "log_min_messages=panic",
    NULL
  };

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 become_postgres_user, postgres, &postgres->pid, &error);
  g_assert_no_error (error);

  conninfo = postgres_conninfo ("postgres");
  while (PQping (conninfo) != PQPING_OK)
    {
      int status;

      if (waitpid (postgres->pid, &status, WNOHANG) == postgres->pid)
        g_error ("PostgreSQL did not start (status %d)", status);
      if (g_get_monotonic_time () > deadline)
        g_error ("PostgreSQL did not start within a minute");
      g_usleep (50000);
    }
}

/* Stops it (fast: clients are told to leave), keeping its data. */
void
fw_test_postgres_stop (void)
{
  int status;

  if (postgres == NULL || postgres->pid == 0)
    return;

  kill (postgres->pid, SIGINT);
  waitpid (postgres->pid, &status, 0);
  g_spawn_close_pid (postgres->pid);
  postgres->pid = 0;
}

static void
postgres_destroy (void)
{
  fw_test_postgres_stop ();
  fw_test_remove_tree (postgres->dir);
  g_free (postgres->bindir);
  g_free (postgres->dir);
  g_free (postgres->data);
  g_free (postgres->password);
  g_clear_pointer (&postgres, g_free);
}

static void
postgres_init (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *initdb = NULL;
  g_autofree char *pwfile = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guchar secret[18];
  int status = 0;

  postgres = g_new0 (Postgres, 1);
  postgres->bindir = find_postgres_bindir ();
  g_assert_nonnull (postgres->bindir);

  if (getuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      postgres->uid = nobody->pw_uid;
      postgres->gid = nobody->pw_gid;
    }

  /* A password of this run's own: the server listens on loopback, where
   * every local user could otherwise walk in. */
  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = g_random_int_range (0, 256);
  postgres->password = g_base64_encode (secret, sizeof secret);
  g_strdelimit (postgres->password, "+/=", 'x');

  postgres->dir = g_dir_make_tmp ("fishwatch-pg-XXXXXX", &error);
  g_assert_no_error (error);
  postgres->data = g_build_filename (postgres->dir, "data", NULL);
  pwfile = g_build_filename (postgres->dir, "pwfile", NULL);
  g_file_set_contents (pwfile, postgres->password, -1, &error);
  g_assert_no_error (error);
  if (postgres->uid != 0)
    {
      g_assert_cmpint (chown (postgres->dir, postgres->uid, postgres->gid), ==, 0);
      g_assert_cmpint (chown (pwfile, postgres->uid, postgres->gid), ==, 0);
    }

  initdb = g_build_filename (postgres->bindir, "initdb", NULL);
  {
    const char *argv[] = {
      initdb, "-D", postgres->data, "-U", "fishwatch", "--pwfile", pwfile,
      "--auth", "scram-sha-256", "--encoding", "UTF8", "--no-sync", NULL
    };

    g_spawn_sync (postgres->dir, (char **) argv, NULL, G_SPAWN_DEFAULT, become_postgres_user, postgres,
                  &out, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("initdb failed: %s", err);
  }
  g_unlink (pwfile);

  /* Another program could take the port between its choice and the
   * server's bind; on loopback, in a test run, that is not worth a retry. */
  postgres->port = free_loopback_port ();
  fw_test_postgres_start ();

  atexit (postgres_destroy);
}

/* Returns: (transfer full): the URI of a new, empty database */
char *
fw_test_postgres_new_database (void)
{
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;

  if (postgres == NULL)
    postgres_init ();

  name = g_strdup_printf ("fishwatch_%u", ++postgres->n_databases);
  sql = g_strdup_printf ("CREATE DATABASE %s", name);
  postgres_exec (sql);
  return postgres_conninfo (name);
}

#else
char *
fw_test_postgres_new_database (void)
{
  g_assert_not_reached ();
}

void
fw_test_postgres_start (void)
{
  g_assert_not_reached ();
}

void
fw_test_postgres_stop (void)
{
  g_assert_not_reached ();
}

static char *
find_postgres_bindir (void)
{
  return NULL;
}
#endif

/**
 * fw_test_server_check_store:
 *
 * Call in main() after g_test_init(): when the tests are to run on
 * PostgreSQL and it is not installed, says so in TAP and exits, skipped.
 */
void
fw_test_server_check_store (void)
{
  g_autofree char *bindir = NULL;

  if (!fw_test_server_uses_postgres ())
    return;

  if (!HAVE_POSTGRESQL)
    {
      g_print ("1..0 # SKIP fishwatch-server was built without PostgreSQL (libpq)\n");
      exit (0);
    }

  bindir = find_postgres_bindir ();
  if (bindir != NULL)
    {
      g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);

      if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        g_clear_pointer (&bindir, g_free);
    }
  if (bindir == NULL)
    {
      g_print ("1..0 # SKIP PostgreSQL is not installed (no initdb); build-aux/install-deps installs it\n");
      exit (0);
    }
  if (getuid () == 0 && getpwnam ("nobody") == NULL)
    {
      g_print ("1..0 # SKIP Running as root, and there is no user 'nobody' to run PostgreSQL as\n");
      exit (0);
    }
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
  if (fw_test_server_uses_postgres ())
    server->db = fw_test_postgres_new_database ();
  else
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

/**
 * fw_test_server_start_another:
 * @first: a server started with fw_test_server_start_full()
 * @serve_args: (nullable): more arguments for serving
 *
 * Another instance on @first's store, as behind a load balancer: the same
 * users, passwords and gateway. Stop it before @first.
 */
FwTestServer *
fw_test_server_start_another (FwTestServer *first,
                              const char   *serve_args)
{
  FwTestServer *server = g_new0 (FwTestServer, 1);

  server->db = g_strdup (first->db);
  server->demo = json_node_ref (first->demo);
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
  if (server->dir != NULL)
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
