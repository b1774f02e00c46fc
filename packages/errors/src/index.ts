export { isPagodaError, PagodaError } from "./pagoda-error.js";
