/** Codes shared by every layer. Stored as text in Postgres, so never rename a value in place. */
export const PLATFORMS = ['instagram', 'facebook', 'x'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const RUBRICS = ['umkm', 'ekraf', 'kuliner-legendaris'] as const;
export type RubricCode = (typeof RUBRICS)[number];

export const ROLES = ['owner', 'staff', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
