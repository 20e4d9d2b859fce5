// Vite's `?raw` imports: a file's text, for tests that read the senders' guides the way a user does.
declare module "*?raw" {
  const text: string;
  export default text;
}
