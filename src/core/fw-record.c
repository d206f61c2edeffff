/* fw-record.c — the base of every record that travels through sync
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The uuid is made by whoever creates the record, offline or not, so that a
 * record is the same record on every machine. The id is this cache's own
 * row id and never leaves it. The revision is the server's: 0 until the
 * server has seen the record.
 */

#include "config.h"

#include "fw-record.h"

typedef struct
{
  gint64    id;
  char     *uuid;
  gint64    revision;
  FwTime    created_at;
  FwTime    updated_at;
  gboolean  deleted;
} FwRecordPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FwRecord, fw_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_UUID,
  PROP_REVISION,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fw_record_constructed (GObject *object)
{
  FwRecord *self = FW_RECORD (object);
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  G_OBJECT_CLASS (fw_record_parent_class)->constructed (object);

  if (priv->uuid == NULL)
    priv->uuid = g_uuid_string_random ();

  if (priv->created_at == 0)
    priv->created_at = g_get_real_time () / G_USEC_PER_SEC;

  if (priv->updated_at == 0)
    priv->updated_at = priv->created_at;
}

static void
fw_record_finalize (GObject *object)
{
  FwRecord *self = FW_RECORD (object);
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_clear_pointer (&priv->uuid, g_free);

  G_OBJECT_CLASS (fw_record_parent_class)->finalize (object);
}

static void
fw_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FwRecord *self = FW_RECORD (object);
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, priv->id);
      break;

    case PROP_UUID:
      g_value_set_string (value, priv->uuid);
      break;

    case PROP_REVISION:
      g_value_set_int64 (value, priv->revision);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, priv->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, priv->updated_at);
      break;

    case PROP_DELETED:
      g_value_set_boolean (value, priv->deleted);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_record_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FwRecord *self = FW_RECORD (object);
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      fw_record_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_UUID:
      g_assert (priv->uuid == NULL);
      priv->uuid = g_value_dup_string (value);
      break;

    case PROP_REVISION:
      fw_record_set_revision (self, g_value_get_int64 (value));
      break;

    case PROP_CREATED_AT:
      priv->created_at = g_value_get_int64 (value);
      break;

    case PROP_UPDATED_AT:
      fw_record_set_updated_at (self, g_value_get_int64 (value));
      break;

    case PROP_DELETED:
      fw_record_set_deleted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_record_class_init (FwRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fw_record_constructed;
  object_class->finalize = fw_record_finalize;
  object_class->get_property = fw_record_get_property;
  object_class->set_property = fw_record_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REVISION] =
    g_param_spec_int64 ("revision", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fw_record_init (FwRecord *self)
{
}

gint64
fw_record_get_id (FwRecord *self)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_val_if_fail (FW_IS_RECORD (self), 0);

  return priv->id;
}

void
fw_record_set_id (FwRecord *self,
                  gint64    id)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_if_fail (FW_IS_RECORD (self));
  g_return_if_fail (id >= 0);

  if (priv->id != id)
    {
      priv->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }
}

const char *
fw_record_get_uuid (FwRecord *self)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_val_if_fail (FW_IS_RECORD (self), NULL);

  return priv->uuid;
}

gint64
fw_record_get_revision (FwRecord *self)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_val_if_fail (FW_IS_RECORD (self), 0);

  return priv->revision;
}

void
fw_record_set_revision (FwRecord *self,
                        gint64    revision)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_if_fail (FW_IS_RECORD (self));

  if (priv->revision != revision)
    {
      priv->revision = revision;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
    }
}

FwTime
fw_record_get_created_at (FwRecord *self)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_val_if_fail (FW_IS_RECORD (self), 0);

  return priv->created_at;
}

FwTime
fw_record_get_updated_at (FwRecord *self)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_val_if_fail (FW_IS_RECORD (self), 0);

  return priv->updated_at;
}

void
fw_record_set_updated_at (FwRecord *self,
                          FwTime    updated_at)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_if_fail (FW_IS_RECORD (self));

  if (priv->updated_at != updated_at)
    {
      priv->updated_at = updated_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
    }
}

gboolean
fw_record_get_deleted (FwRecord *self)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_val_if_fail (FW_IS_RECORD (self), FALSE);

  return priv->deleted;
}

void
fw_record_set_deleted (FwRecord *self,
                       gboolean  deleted)
{
  FwRecordPrivate *priv = fw_record_get_instance_private (self);

  g_return_if_fail (FW_IS_RECORD (self));

  deleted = !!deleted;

  if (priv->deleted != deleted)
    {
      priv->deleted = deleted;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
    }
}

/**
 * fw_record_lists_match:
 * @current: the records on screen
 * @fresh: (element-type FwRecord): the same query, read again
 *
 * Whether @fresh holds the same records as @current, in the same order and
 * unedited, so that a view can update its records in place and keep its
 * selection, instead of rebuilding its rows.
 */
gboolean
fw_record_lists_match (GListModel *current,
                       GPtrArray  *fresh)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (current), FALSE);
  g_return_val_if_fail (fresh != NULL, FALSE);

  if (g_list_model_get_n_items (current) != fresh->len)
    return FALSE;

  for (guint i = 0; i < fresh->len; i++)
    {
      g_autoptr(FwRecord) old = g_list_model_get_item (current, i);
      FwRecord *new = g_ptr_array_index (fresh, i);

      if (g_strcmp0 (fw_record_get_uuid (old), fw_record_get_uuid (new)) != 0 ||
          fw_record_get_updated_at (old) != fw_record_get_updated_at (new))
        return FALSE;
    }

  return TRUE;
}
