// React DOM ships no types and @types/react-dom is not installed; the tests only load it.
declare module "react-dom/client";
