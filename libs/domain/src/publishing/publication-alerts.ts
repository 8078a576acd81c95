import type { Platform } from '@app/config';
import type { NewAlert, PublicationStatus } from '@app/database';
import { formatLocal } from '../time/iso-week.js';

type AlertSubject = { id: string; featureId: string; platform: Platform };

/** The kinds of alert about one publication; each is open at most once per publication. */
export const PublicationAlertKind = {
  unknown: 'publication_unknown',
  needsAttention: 'publication_needs_attention',
  failed: 'publication_failed',
  late: 'publication_late',
} as const;

type PublicationAlertKind = (typeof PublicationAlertKind)[keyof typeof PublicationAlertKind];

/** One open alert per kind and publication: raising it again while open does nothing. */
export const publicationAlertKey = (kind: PublicationAlertKind, publicationId: string): string => `${kind}:${publicationId}`;

function publicationAlert(kind: PublicationAlertKind, p: AlertSubject, message: string, action: string): NewAlert {
  return { kind, dedupeKey: publicationAlertKey(kind, p.id), publicationId: p.id, featureId: p.featureId, platform: p.platform, message, action };
}

/** The outcome is unknown: the system looks on the platform by itself; staff need not act unless it escalates. */
export function unknownOutcomeAlert(p: AlertSubject): NewAlert {
  return publicationAlert(
    PublicationAlertKind.unknown,
    p,
    `Pengiriman ke ${p.platform} terputus di tengah jalan: belum diketahui apakah unggahan sudah tayang. Sistem sedang memeriksanya di platform.`,
    'Tidak perlu tindakan selama pemeriksaan berjalan; peringatan ini tertutup sendiri. Jangan kirim ulang secara manual sebelum statusnya jelas.',
  );
}

/** Automatic checks could not settle it: a person must look at the account and decide. */
export function needsAttentionAlert(p: AlertSubject, reason: string): NewAlert {
  return publicationAlert(
    PublicationAlertKind.needsAttention,
    p,
    `Unggahan ${p.platform} perlu diperiksa manual: ${reason}`,
    `Buka akun ${p.platform}: bila unggahan ada, tandai sudah tayang dengan tautannya; bila tidak ada, kirim ulang (atau ubah keterangan bila platform menolaknya sebagai duplikat).`,
  );
}

/** It will not be sent again by itself: staff fix the cause and retry, or cancel. */
export function failedAlert(p: AlertSubject, reason: string): NewAlert {
  return publicationAlert(
    PublicationAlertKind.failed,
    p,
    `Unggahan ${p.platform} gagal dan tidak akan dikirim ulang otomatis: ${reason}`,
    'Perbaiki penyebabnya (foto, keterangan, akun), lalu kirim ulang dari daftar publikasi; atau batalkan.',
  );
}

/** A publication's status in the words staff read. */
const STATUS_WORDS: Readonly<Record<PublicationStatus, string>> = {
  scheduled: 'terjadwal',
  dispatched: 'dalam antrean',
  publishing: 'sedang diposting',
  published: 'sudah tayang',
  retry_wait: 'menunggu dicoba lagi',
  failed: 'gagal',
  unknown: 'sedang dicek di platform',
  needs_attention: 'perlu diperiksa manual',
  cancelled: 'dibatalkan',
};

/** Still not out long after its slot, whatever the reason. */
export function lateAlert(p: AlertSubject & { scheduledAt: Date; status: PublicationStatus }): NewAlert {
  return publicationAlert(
    PublicationAlertKind.late,
    p,
    `Unggahan ${p.platform} yang dijadwalkan ${formatLocal(p.scheduledAt, 'd LLL yyyy HH.mm')} WIB belum tayang (status: ${STATUS_WORDS[p.status]}).`,
    'Lihat status dan alasan di daftar publikasi; perbaiki penyebabnya (akun, token, kuota) atau batalkan.',
  );
}
