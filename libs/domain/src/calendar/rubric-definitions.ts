/** Nest token for the rubric definitions read from config/ (see loadRubrics). */
export const RUBRIC_DEFINITIONS = Symbol('RUBRIC_DEFINITIONS');
