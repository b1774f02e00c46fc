export { codeOf, isPagodaError, PagodaError } from "./pagoda-error.js";
