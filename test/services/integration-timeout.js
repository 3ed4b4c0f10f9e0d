/* global jest */
// Integration tests wait on real Kafka and Elasticsearch: give each test two minutes.
jest.setTimeout(120000);
