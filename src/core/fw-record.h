/* fw-record.h — what every synced record has
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-types.h"

G_BEGIN_DECLS

#define FW_TYPE_RECORD (fw_record_get_type ())

G_DECLARE_DERIVABLE_TYPE (FwRecord, fw_record, FW, RECORD, GObject)

struct _FwRecordClass
{
  GObjectClass parent_class;
};

gint64      fw_record_get_id         (FwRecord   *self);
void        fw_record_set_id         (FwRecord   *self,
                                      gint64      id);
const char *fw_record_get_uuid       (FwRecord   *self);
gint64      fw_record_get_revision   (FwRecord   *self);
void        fw_record_set_revision   (FwRecord   *self,
                                      gint64      revision);
FwTime      fw_record_get_created_at (FwRecord   *self);
FwTime      fw_record_get_updated_at (FwRecord   *self);
void        fw_record_set_updated_at (FwRecord   *self,
                                      FwTime      updated_at);
gboolean    fw_record_get_deleted    (FwRecord   *self);
void        fw_record_set_deleted    (FwRecord   *self,
                                      gboolean    deleted);

gboolean    fw_record_lists_match    (GListModel *current,
                                      GPtrArray  *fresh);

G_END_DECLS
