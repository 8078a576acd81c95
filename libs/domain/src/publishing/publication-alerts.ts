import type { Platform } from '@app/config';
import type { NewAlert } from '@app/database';

type AlertSubject = { id: string; featureId: string; platform: Platform };

/** The outcome is unknown: the system looks on the platform by itself; staff need not act unless it escalates. */
export function unknownOutcomeAlert(p: AlertSubject): NewAlert {
  return {
    kind: 'publication_unknown',
    dedupeKey: `publication_unknown:${p.id}`,
    publicationId: p.id,
    featureId: p.featureId,
    platform: p.platform,
    message: `Pengiriman ke ${p.platform} terputus di tengah jalan: belum diketahui apakah unggahan sudah tayang. Sistem sedang memeriksanya di platform.`,
    action: `Tidak perlu tindakan selama pemeriksaan berjalan; peringatan ini tertutup sendiri. Jangan kirim ulang secara manual sebelum statusnya jelas.`,
  };
}

/** Automatic checks could not settle it: a person must look at the account and decide. */
export function needsAttentionAlert(p: AlertSubject, reason: string): NewAlert {
  return {
    kind: 'publication_needs_attention',
    dedupeKey: `publication_needs_attention:${p.id}`,
    publicationId: p.id,
    featureId: p.featureId,
    platform: p.platform,
    message: `Unggahan ${p.platform} perlu diperiksa manual: ${reason}`,
    action: `Buka akun ${p.platform}: bila unggahan ada, tandai sudah tayang dengan tautannya; bila tidak ada, kirim ulang (atau ubah keterangan bila platform menolaknya sebagai duplikat).`,
  };
}

/** It will not be sent again by itself: staff fix the cause and retry, or cancel. */
export function failedAlert(p: AlertSubject, reason: string): NewAlert {
  return {
    kind: 'publication_failed',
    dedupeKey: `publication_failed:${p.id}`,
    publicationId: p.id,
    featureId: p.featureId,
    platform: p.platform,
    message: `Unggahan ${p.platform} gagal dan tidak akan dikirim ulang otomatis: ${reason}`,
    action: 'Perbaiki penyebabnya (foto, keterangan, akun), lalu kirim ulang dari daftar publikasi; atau batalkan.',
  };
}
