/* fw-sync-page.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-sync-controller.h"

#include "fw-page.h"

G_BEGIN_DECLS

#define FW_TYPE_SYNC_PAGE (fw_sync_page_get_type ())

G_DECLARE_FINAL_TYPE (FwSyncPage, fw_sync_page, FW, SYNC_PAGE, FwPage)

void fw_sync_page_set_controller (FwSyncPage       *self,
                                  FwSyncController *controller,
                                  FwCache          *cache);
void fw_sync_page_reload         (FwSyncPage       *self);

G_END_DECLS
