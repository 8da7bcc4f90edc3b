// Vite `?raw` imports: the file's text as a string (used to load test fixtures inside workerd).
declare module "*?raw" {
  const text: string;
  export default text;
}
