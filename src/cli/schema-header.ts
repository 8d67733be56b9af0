/** The header Nest's `autoSchemaFile` writes, kept so the committed file reads as before. */
export const SCHEMA_FILE_HEADER = `# ------------------------------------------------------
# THIS FILE WAS AUTOMATICALLY GENERATED (DO NOT MODIFY)
# ------------------------------------------------------

`;
