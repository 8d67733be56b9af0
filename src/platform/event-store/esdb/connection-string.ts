/** The connection string for messages: user and password removed. */
export function withoutCredentials(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//');
}
