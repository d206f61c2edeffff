/* fw-test-balancer.c — nginx in front of server instances, for tests
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nginx from the distribution, started by the test in a folder of its own
 * (-p DIR -c CONF, not daemonised) on a free loopback port, balancing over
 * the instances the test started; it stops with the test.
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "fw-test-balancer.h"
#include "fw-test-util.h"

static guint
get_status (SoupSession *session,
            const char  *base_url,
            const char  *path)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, message, NULL, NULL);

  return answer != NULL ? soup_message_get_status (message) : 0;
}

char *
fw_test_balancer_find_nginx (void)
{
  char *nginx = g_find_program_in_path ("nginx");

  if (nginx == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    nginx = g_strdup ("/usr/sbin/nginx");
  return nginx;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

FwTestBalancer *
fw_test_balancer_start (const char  *nginx,
                        guint       *ports,
                        guint        n_ports)
{
  FwTestBalancer *balancer = g_new0 (FwTestBalancer, 1);
  g_autoptr(GString) upstreams = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *error_log = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  gint64 deadline;

  balancer->dir = fw_test_make_tmpdir ();
  /* nginx's workers drop root for nobody and must reach their temp files. */
  g_chmod (balancer->dir, 0755);
  balancer->port = free_port ();
  balancer->base_url = g_strdup_printf ("http://127.0.0.1:%u", balancer->port);

  /* The same balancing as deploy/nginx/fishwatch-pg-cluster.conf, on
   * loopback: passive health checks, a failed request retried on the
   * next instance (pushes and ingests are idempotent), no stickiness. */
  for (guint i = 0; i < n_ports; i++)
    g_string_append_printf (upstreams, "    server 127.0.0.1:%u max_fails=1 fail_timeout=5s;\n", ports[i]);
  conf = g_strdup_printf ("worker_processes 1;\n"
                          "pid %s/nginx.pid;\n"
                          "events { worker_connections 256; }\n"
                          "http {\n"
                          "  access_log off;\n"
                          "  client_body_temp_path %s/body;\n"
                          "  proxy_temp_path %s/proxy;\n"
                          "  fastcgi_temp_path %s/fastcgi;\n"
                          "  uwsgi_temp_path %s/uwsgi;\n"
                          "  scgi_temp_path %s/scgi;\n"
                          "  client_max_body_size 8m;\n"
                          "  client_body_buffer_size 1m;\n"
                          "  upstream fishwatch {\n%s"
                          "    keepalive 16;\n"
                          "  }\n"
                          "  server {\n"
                          "    listen 127.0.0.1:%u;\n"
                          "    proxy_http_version 1.1;\n"
                          "    proxy_set_header Connection \"\";\n"
                          "    proxy_connect_timeout 2s;\n"
                          "    proxy_next_upstream_tries 3;\n"
                          "    location = /api/v1/sync/push {\n"
                          "      proxy_pass http://fishwatch;\n"
                          "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
                          "    }\n"
                          "    location = /api/v1/ingest {\n"
                          "      proxy_pass http://fishwatch;\n"
                          "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
                          "    }\n"
                          "    location / {\n"
                          "      proxy_pass http://fishwatch;\n"
                          "      proxy_next_upstream error timeout http_502 http_503;\n"
                          "    }\n"
                          "  }\n"
                          "}\n",
                          balancer->dir, balancer->dir, balancer->dir, balancer->dir, balancer->dir,
                          balancer->dir, upstreams->str, balancer->port);
  conf_path = g_build_filename (balancer->dir, "nginx.conf", NULL);
  g_file_set_contents (conf_path, conf, -1, &error);
  g_assert_no_error (error);
  error_log = g_build_filename (balancer->dir, "error.log", NULL);

  {
    const char *argv[] = { nginx, "-p", balancer->dir, "-c", conf_path, "-e", error_log,
                           "-g", "daemon off;", NULL };

    g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
                   &balancer->pid, &error);
    g_assert_no_error (error);
  }

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (get_status (session, balancer->base_url, "/readyz") != 200)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = NULL;

          g_file_get_contents (error_log, &log, NULL, NULL);
          g_error ("nginx did not start: %s", log);
        }
      g_usleep (50000);
    }

  return balancer;
}

void
fw_test_balancer_stop (FwTestBalancer *balancer)
{
  int status;

  /* SIGQUIT: a graceful shutdown, as `nginx -s quit`. */
  kill (balancer->pid, SIGQUIT);
  waitpid (balancer->pid, &status, 0);
  g_spawn_close_pid (balancer->pid);
  fw_test_remove_tree (balancer->dir);
  g_free (balancer->dir);
  g_free (balancer->base_url);
  g_free (balancer);
}
