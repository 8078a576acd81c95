import type { Platform } from '@app/config';
import type { NewAlert } from '@app/database';

/** The alert for a publication whose outcome is unknown: staff must look before anything is sent again. */
export function unknownOutcomeAlert(p: { id: string; featureId: string; platform: Platform }): NewAlert {
  return {
    kind: 'publication_unknown',
    dedupeKey: `publication_unknown:${p.id}`,
    publicationId: p.id,
    featureId: p.featureId,
    platform: p.platform,
    message: `Pengiriman ke ${p.platform} terputus di tengah jalan: belum diketahui apakah unggahan sudah tayang.`,
    action: `Periksa akun ${p.platform}: bila unggahan ada, tandai sudah tayang dengan tautannya; bila tidak ada, coba kirim ulang. Jangan kirim ulang sebelum memeriksa.`,
  };
}
