export const DLS_NAMESPACE = 'http://www.siemens.com/DLS';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

// The guide's schemaLocation is just the namespace URI; no XSD was ever published.
export const ROOT_NAMESPACE_ATTRIBUTES = `xmlns="${DLS_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}" xsi:schemaLocation="${DLS_NAMESPACE}"`;
