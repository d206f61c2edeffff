/* fw-test-server.h — a real fishwatch-server on loopback, for tests
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char        *dir;
  char        *db;
  GPid         pid;
  guint        port;
  char        *base_url;
  JsonNode    *demo;          /* what `fishwatch-server demo` printed */
  SoupSession *session;
  char        *serve_args;
} FwTestServer;

FwTestServer *fw_test_server_start    (const char   *extra_args);
FwTestServer *fw_test_server_start_full (const char *demo_args,
                                         const char *serve_args);
FwTestServer *fw_test_server_start_another (FwTestServer *first,
                                           const char   *serve_args);
int           fw_test_server_stop     (FwTestServer *server);
int           fw_test_server_halt     (FwTestServer *server);
void          fw_test_server_restart  (FwTestServer *server);
const char   *fw_test_server_password (FwTestServer *server,
                                       const char   *username);
const char   *fw_test_server_device_token (FwTestServer *server);
char         *fw_test_server_login    (FwTestServer *server,
                                       const char   *username);
guint         fw_test_server_call     (FwTestServer *server,
                                       const char   *method,
                                       const char   *path,
                                       const char   *token,
                                       const char   *body,
                                       JsonNode    **response,
                                       SoupMessageHeaders **headers);


/* The store: SQLite, or PostgreSQL with FW_TEST_STORE=postgresql. */
gboolean      fw_test_server_uses_postgres  (void);
void          fw_test_server_check_store    (void);
char         *fw_test_postgres_new_database (void);
void          fw_test_postgres_start        (void);
void          fw_test_postgres_stop         (void);

G_END_DECLS
