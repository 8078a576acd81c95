import type { Settings } from '@app/config';

/** Public URL of a stored rendition; Meta fetches images from here. */
export function mediaUrl(settings: Settings, storageKey: string): string {
  return `${settings.api.publicBaseUrl}/api/media/${storageKey}`;
}
