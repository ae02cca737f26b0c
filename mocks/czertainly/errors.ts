/** An error answer in the shape CZERTAINLY's ExceptionHandlingAdvice gives it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json',
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const message = (status: number, text: string) => new ApiError(status, { message: text });
export const invalid = (...messages: string[]) => new ApiError(422, messages);
export const unreadable = () => message(400, 'Unable to read HTTP message');
