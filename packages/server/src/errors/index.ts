export { classifyCode, type ErrorClass } from "./error-classes.js";
export { HttpError, type HttpErrorCode } from "./http-error.js";
export { ServerError } from "./server-error.js";
export { type HttpErrorResponse, type OpenAIErrorBody, toHttpError } from "./to-http-error.js";
export { formatParamPath, fromZodError, isZodError } from "./zod-error.js";
