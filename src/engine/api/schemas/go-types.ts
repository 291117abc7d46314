// JSON Schema builders for request bodies that dockerd decodes into Go structs with encoding/json. Each schema
// carries a `goType` annotation (the Go type dockerd declares), so that a type error can be worded as dockerd
// words it ("cannot unmarshal object into Go struct field ContainerConfig.Cmd of type strslice.StrSlice").
// Every field also takes null, as encoding/json does (null leaves the zero value); unknown fields are allowed, as
// dockerd ignores them.

/** A JSON Schema node with the Go type it stands for. Plain data: ajv compiles it once, in request-validation.ts. */
export interface GoSchema {
  goType: string;
  type?: string | string[];
  properties?: Record<string, GoSchema>;
  additionalProperties?: GoSchema | boolean;
  items?: GoSchema;
  [keyword: string]: unknown;
}

const nullable = (type: string): string[] => [type, 'null'];

export const str = (): GoSchema => ({ goType: 'string', type: nullable('string') });
export const bool = (): GoSchema => ({ goType: 'bool', type: nullable('boolean') });
/** Go's signed and unsigned integers: a JSON number without a fraction. */
export const int = (goType = 'int64'): GoSchema => ({ goType, type: nullable('integer') });
export const strList = (): GoSchema => ({ goType: '[]string', type: nullable('array'), items: str() });

/**
 * Docker's strslice.StrSlice (Cmd, Entrypoint, Shell, CapAdd, CapDrop): a list of strings, or one string taken as
 * a one-element list. request-validation.ts turns the string form into the list before anything stores it.
 */
export const strSlice = (): GoSchema => ({
  goType: 'strslice.StrSlice',
  type: ['array', 'string', 'null'],
  items: str(),
});

export const strMap = (): GoSchema => ({
  goType: 'map[string]string',
  type: nullable('object'),
  additionalProperties: str(),
});

/** A Go set such as nat.PortSet (`map[nat.Port]struct{}`): keys only, each value an empty object or null. */
export const set = (goType: string): GoSchema => ({
  goType,
  type: nullable('object'),
  additionalProperties: { goType: 'struct {}', type: nullable('object') },
});

export const struct = (goType: string, properties: Record<string, GoSchema>): GoSchema => ({
  goType,
  type: nullable('object'),
  properties,
});

export const list = (goType: string, items: GoSchema): GoSchema => ({ goType, type: nullable('array'), items });

export const map = (goType: string, values: GoSchema): GoSchema => ({
  goType,
  type: nullable('object'),
  additionalProperties: values,
});
