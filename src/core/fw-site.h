/* fw-site.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fw-record.h"

G_BEGIN_DECLS

#define FW_TYPE_SITE (fw_site_get_type ())

G_DECLARE_FINAL_TYPE (FwSite, fw_site, FW, SITE, FwRecord)

FwSite     *fw_site_new           (const char *farm_uuid,
                                   const char *name);
const char *fw_site_get_farm_uuid (FwSite     *self);
const char *fw_site_get_name      (FwSite     *self);

G_END_DECLS
