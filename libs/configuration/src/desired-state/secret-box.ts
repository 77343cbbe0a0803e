// Moved to @workpoint/contact-pipeline, where the deployment service seals its job items too.
export { SecretBox } from '@workpoint/contact-pipeline';
