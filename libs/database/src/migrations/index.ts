import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Registry1764100000000 } from './1764100000000-registry.js';

export const MIGRATIONS = [InitialSchema1764000000000, Registry1764100000000];
