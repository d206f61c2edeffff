/* fw-test-balancer.h — nginx in front of server instances, for tests
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  char  *dir;
  GPid   pid;
  guint  port;
  char  *base_url;
} FwTestBalancer;

char           *fw_test_balancer_find_nginx (void);
FwTestBalancer *fw_test_balancer_start      (const char     *nginx,
                                             guint          *ports,
                                             guint           n_ports);
void            fw_test_balancer_stop       (FwTestBalancer *balancer);

G_END_DECLS
