// @peculiar/x509 needs reflect-metadata loaded before it; src/pki/x509.ts does that, this covers direct imports.
import 'reflect-metadata';
